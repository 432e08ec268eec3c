import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors';
import { storeFailure } from '../store/store-errors';

/** Maps every failure to the one error shape; unexpected ones are logged and hidden. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((caught, request, reply) => {
    const stored = storeFailure(caught);
    if (stored) request.log.error({ code: stored.code, sqlite: (caught as { code?: string }).code }, 'storage failure');
    const error = stored ?? caught;
    if (error instanceof AppError) {
      if (error.status === 401 || error.status === 403 || error.status === 429) {
        request.log.warn({ code: error.code, url: request.url }, 'request refused');
      }
      return reply.status(error.status).send(error.toBody());
    }
    const fastifyError = error as { validation?: unknown; statusCode?: number; code?: string; message: string };
    if (fastifyError.validation) {
      return reply.status(400).send(new AppError('VALIDATION_FAILED', { details: fastifyError.validation }).toBody());
    }
    if (fastifyError.code === 'FST_REQ_FILE_TOO_LARGE') {
      return reply.status(413).send(new AppError('IMPORT_TOO_LARGE').toBody());
    }
    if (fastifyError.statusCode === 413) return reply.status(413).send(new AppError('REQUEST_TOO_LARGE').toBody());
    if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return reply
        .status(400)
        .send(new AppError('VALIDATION_FAILED', { message: `请求内容不符合要求：${fastifyError.message}` }).toBody());
    }
    request.log.error(error);
    return reply.status(500).send(new AppError('INTERNAL').toBody());
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send(new AppError('NOT_FOUND').toBody()));
}
