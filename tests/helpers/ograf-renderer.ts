import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/renderer.mjs': { file: 'renderer.mjs', type: 'text/javascript; charset=utf-8' },
};

/**
 * The harness renderer's page, served from an origin of its own (as SPX, H2R or ograf-server serve
 * theirs): the graphics' modules, fonts and sockets come from the choucha server, cross-origin.
 */
export async function startOgrafRenderer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const entry = FILES[new URL(request.url ?? '/', 'http://x').pathname];
    if (!entry) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': entry.type, 'cache-control': 'no-store' });
    response.end(readFileSync(join(import.meta.dirname, 'ograf-renderer', entry.file)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
