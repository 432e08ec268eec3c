import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PRINT_SCRIPT, PRINT_SCRIPT_PATH } from './print-button';

function fontDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/400.css')), '..');
}

/** The pages a browser can open, each an HTML entry of the Vite build. */
export const PAGES = {
  console: { path: '/console', file: 'console-ui/index.html', title: '操作台' },
  verify: { path: '/verify', file: 'console-ui/verify.html', title: '抽取验证（公开）' },
  judge: { path: '/judge', file: 'console-ui/judge.html', title: '评委评分（平板，经席位链接进入）' },
  overlay: { path: '/overlay', file: 'overlay/index.html', title: '画面输出（OBS / vMix / CasparCG）' },
  public: {
    path: '/public',
    file: 'console-ui/public.html',
    title: '公开信息（公告、直播进程、结果与验证，无需登录）',
  },
} as const;

/**
 * Serves the built UIs from dist/. HTML is never cached (a reload after an update must get the
 * new build); hashed assets are cached for good.
 */
export function uiRoutes(distDir: string) {
  return async (app: FastifyInstance): Promise<void> => {
    const built = existsSync(join(distDir, PAGES.console.file));
    await app.register(fastifyStatic, { root: distDir, serve: false });
    if (built) {
      await app.register(fastifyStatic, {
        decorateReply: false,
        root: join(distDir, 'assets'),
        prefix: '/assets/',
        index: false,
        immutable: true,
        maxAge: '365d',
        cacheControl: true,
      });
    }
    // The shipped Chinese font for server-rendered pages (bulletins): no network at the venue.
    await app.register(fastifyStatic, {
      root: join(fontDir(), 'noto-sans-sc'),
      prefix: '/fonts/noto-sans-sc/',
      decorateReply: false,
      index: false,
      maxAge: '30d',
    });
    app.get('/', async (_request, reply) => reply.redirect(PAGES.console.path));
    app.get(PRINT_SCRIPT_PATH, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'max-age=3600').send(PRINT_SCRIPT),
    );
    for (const page of Object.values(PAGES)) {
      app.get(page.path, async (_request, reply) => {
        if (!built) {
          return reply
            .status(503)
            .type('text/plain; charset=utf-8')
            .send('界面尚未构建：请运行 npm run build（npm start 会自动构建）。');
        }
        reply.header('cache-control', 'no-cache, no-store, must-revalidate');
        return reply.sendFile(page.file, distDir, { cacheControl: false });
      });
    }
  };
}
