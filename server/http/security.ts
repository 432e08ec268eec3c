import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors';

/**
 * What every page may load: only this server's own scripts, fonts and images (a venue has no
 * internet, and a hostile name in a roster must never become a script). Styles allow inline
 * attributes, which Svelte and ECharts set; scripts never run inline. Frames: only our own
 * console embeds the overlay's preview.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'SAMEORIGIN',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** True when a browser says the request comes from a page of another origin than this server. */
export function isCrossOrigin(headers: IncomingMessage['headers']): boolean {
  const origin = headers.origin;
  if (origin === undefined) return false; // not a browser, or a same-origin GET
  try {
    return new URL(origin).host !== headers.host;
  } catch {
    return true; // "null" (sandboxed frames, file:) and garbage
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Public, read-only files other sites may load: the OGraf graphics (an OGraf renderer's page imports
 * their modules and lists them) and the shipped font they draw with. Nothing under these carries a
 * secret or answers to a cookie; every other answer stays closed to other origins.
 */
export const CROSS_ORIGIN_PREFIXES = ['/ograf/', '/fonts/noto-sans-sc/'] as const;
const crossOriginResource = (url: string) => CROSS_ORIGIN_PREFIXES.some((prefix) => url.startsWith(prefix));

/**
 * CORS stays closed but for CROSS_ORIGIN_PREFIXES: no Access-Control-* header is sent elsewhere,
 * so no other site can read an answer; and a state-changing request a browser marks as
 * cross-origin is refused before any route sees it (session cookies are SameSite=Strict as well).
 */
export function registerSecurity(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (request.method === 'OPTIONS' || (!SAFE_METHODS.has(request.method) && isCrossOrigin(request.headers))) {
      request.log.warn({ origin: request.headers.origin, url: request.url }, 'cross-origin request refused');
      throw new AppError('AUTH_CROSS_ORIGIN');
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (SAFE_METHODS.has(request.method) && crossOriginResource(request.url)) {
      reply.header('access-control-allow-origin', '*');
      reply.header('cross-origin-resource-policy', 'cross-origin');
    }
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    return payload;
  });
}

/**
 * Query parameters never written to a log: those that carry a credential (overlay key, seat token,
 * PIN), and a registry search's text (`q`), which is a household's or cadre's name as typed.
 */
const CREDENTIAL_PARAMS = /([?&](?:key|token|pin|judgeKey|secret|q)=)[^&#]*/giu;

export function redactUrl(url: string): string {
  return url.replace(CREDENTIAL_PARAMS, '$1…');
}
