import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import { AppError } from '../errors';
import { OGRAF_GRAPHICS, ografManifest, ografName } from '../protocol/ograf';

/** Where the OGraf build (vite.ograf.config.ts) writes under dist/, and its package's name. */
export const OGRAF_DIR = 'ograf';
export const OGRAF_ZIP = 'choucha-ograf.zip';

/**
 * The OGraf graphics, public and read-only (no key, no secret: a graphic gets its credentials in
 * its data): each graphic's folder under /ograf/graphics/<id>/, the package of all of them, and
 * the read-only part of the OGraf Server API (server info, the graphics listing, one graphic's
 * manifest) under /ograf/v1/. Other sites may load them (security.ts: CROSS_ORIGIN_PREFIXES).
 */
export function ografRoutes(distDir: string, version: string) {
  return async (app: FastifyInstance): Promise<void> => {
    const root = join(distDir, OGRAF_DIR);
    const built = existsSync(join(root, OGRAF_ZIP));
    const builtAt = built ? statSync(join(root, OGRAF_ZIP)).mtime.toISOString() : '';
    if (built) {
      await app.register(fastifyStatic, {
        root: join(root, 'graphics'),
        prefix: '/ograf/graphics/',
        index: false,
        // Names are not hashed: a renderer must see a new build at once (ETag keeps it cheap).
        cacheControl: false,
        setHeaders: (reply) => reply.header('cache-control', 'no-cache'),
      });
    }
    app.get(`/ograf/${OGRAF_ZIP}`, async (_request, reply) => {
      if (!built) throw new AppError('NOT_FOUND', { message: 'OGraf 图形尚未构建：请运行 npm run build' });
      reply.header('content-disposition', `attachment; filename="${OGRAF_ZIP}"`).header('cache-control', 'no-cache');
      return reply.sendFile(OGRAF_ZIP, root, { cacheControl: false });
    });

    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const info = async () => ({
      name: 'choucha 摇号抽查',
      description: 'choucha 的直播画面，作为 OGraf 图形发布（只读：图形列表与清单）',
      author: { name: 'choucha 摇号抽查' },
      version,
    });
    typed.get('/ograf/v1', info);
    typed.get('/ograf/v1/', info);
    typed.get('/ograf/v1/graphics', async () => ({
      graphics: OGRAF_GRAPHICS.map((graphic) => ({
        id: graphic.id,
        name: ografName(graphic.content),
        description: graphic.description,
      })),
    }));
    typed.get(
      '/ograf/v1/graphics/:graphicId',
      {
        schema: {
          params: Type.Object({ graphicId: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
        },
      },
      async (request) => {
        const graphic = OGRAF_GRAPHICS.find((entry) => entry.id === request.params.graphicId);
        if (!graphic) throw new AppError('OGRAF_GRAPHIC_NOT_FOUND');
        return { graphic: ografManifest(graphic, version), metadata: { createdAt: builtAt } };
      },
    );
  };
}
