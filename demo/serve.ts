/**
 * `npm run demo`: builds the demo page (build.ts) and serves it on 127.0.0.1, printing the URL.
 * The port is `--port=N` or `PORT`, else 8080, else (when taken) any free one. Ctrl-C stops it.
 */
import { buildDemo } from './build.js';
import { serveStatic } from './server.js';

const portArgument = process.argv.find((a) => a.startsWith('--port='))?.slice('--port='.length) ?? process.env.PORT;
const wanted = portArgument === undefined || portArgument === '' ? 8080 : Number(portArgument);
if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
  console.error(`demo: --port/PORT must be an integer in [0, 65535], got ${JSON.stringify(portArgument)}`);
  process.exit(2);
}

const started = performance.now();
const { outDir, bundleBytes } = await buildDemo();
console.log(
  `demo: built ${outDir} (page script ${(bundleBytes / 1024).toFixed(0)} KB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
const mounts = { '/': outDir };
const server = await serveStatic(mounts, wanted).catch(async (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EADDRINUSE' || portArgument !== undefined) throw e;
  return serveStatic(mounts, 0); // 8080 is taken and no port was asked for: any free one
});
console.log(`demo: serving on ${server.url}  (Ctrl-C to stop)`);
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
