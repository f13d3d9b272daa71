import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const head = "const Head = defineModule('app/Head', { name: 'Head', fields: { fc: submodule(nn.Linear) }, create: () => ({ fc: nn.Linear.create(4, 2) }), forward: (m, x) => nn.Linear.forward(m.fc, x) });";
const entry = process.argv[2];
const r = await build({ stdin:{contents:`import { defineModule, submodule, nn, initialize, random } from '${entry}';\n${head}\nconsole.log(initialize(Head.create())(random.key(0)));`, resolveDir:'/work/main', loader:'js'}, bundle:true, platform:'browser', format:'esm', minify:true, write:false, logLevel:'error'}); const c=r.outputFiles[0].contents; console.log((c.length/1024).toFixed(1)+' / '+(gzipSync(c,{level:9}).length/1024).toFixed(1));
