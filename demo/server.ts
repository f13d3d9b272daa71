/**
 * A tiny static file server for the demo page and the browser suite: GET and HEAD of files under
 * a few folders, each mounted at a URL prefix, on 127.0.0.1 only. `.wasm` files go out as
 * `application/wasm`, which `WebAssembly.instantiateStreaming` requires. No directory listings,
 * no paths outside the mounted folders.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};

/** A running server: its base URL (`http://127.0.0.1:PORT/`) and how to stop it. */
export interface StaticServer {
  readonly url: string;
  readonly close: () => Promise<void>;
}

/** The file a URL path names under `mounts` (URL prefix → folder), or `undefined`. */
const fileFor = (mounts: Readonly<Record<string, string>>, urlPath: string): string | undefined => {
  const path = decodeURIComponent(urlPath.split('?')[0]!);
  // Longest prefix first, so '/wasm/' wins over '/'.
  for (const prefix of Object.keys(mounts).sort((a, b) => b.length - a.length)) {
    if (!path.startsWith(prefix)) continue;
    const root = normalize(mounts[prefix]!);
    const rest = path.slice(prefix.length);
    const file = normalize(join(root, rest === '' || rest.endsWith('/') ? `${rest}index.html` : rest));
    if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not under this mount: try a shorter prefix
    }
  }
  return undefined;
};

/**
 * Serves `mounts` (e.g. `{ '/': 'demo/dist', '/wasm/': '.../tfjs-backend-wasm/dist' }`) on
 * 127.0.0.1; `port` 0 picks a free one. Resolves once listening.
 */
export const serveStatic = (mounts: Readonly<Record<string, string>>, port = 0): Promise<StaticServer> =>
  new Promise((resolve, reject) => {
    const server: Server = createServer((req, res) => {
      const file = req.method === 'GET' || req.method === 'HEAD' ? fileFor(mounts, req.url ?? '/') : undefined;
      if (file === undefined) {
        res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405, { 'content-type': 'text/plain' });
        res.end('not found\n');
        return;
      }
      res.writeHead(200, {
        'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
        'content-length': statSync(file).size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections(); // a browser's keep-alive sockets would hold close() open
          }),
      });
    });
  });
