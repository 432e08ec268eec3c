import { STATUS_CODES, type Server as HttpServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError } from '../errors';
import type { ControlService } from './control-service';
import type { ControlToken } from './control-tokens';
import { bearerToken, CONTROL_PREFIX } from './routes';

/** Where Companion's Generic WebSocket module connects: `ws://HOST:PORT/api/control/v1/ws?token=…`. */
export const CONTROL_SOCKET_PATH = `${CONTROL_PREFIX}/ws`;
/** How often the state is looked at for changes nobody announces (the timer's seconds, an arm running out). */
export const CONTROL_TICK_MS = 1000;
/** The close code a revoked token's connection gets (4000–4999: the application's own). */
export const CLOSE_REVOKED = 4401;

/**
 * The control API's websocket: the same state as `GET /api/control/v1/state`, pushed as JSON on
 * connecting and whenever it changes (a command, a switch of the followed event, an arm, and each
 * second of a running timer). Attached on the HTTP server's `upgrade` for its own path only:
 * socket.io's engine answers every other upgrade. The token comes as `?token=` (Companion's module
 * sends no custom header) or a bearer header; messages from the client are ignored (keep-alives).
 */
export function attachControlSocket(
  server: HttpServer,
  control: ControlService,
  log: { warn: (details: object, message: string) => void } = { warn: () => undefined },
): { close: () => Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const clients = new Map<WebSocket, { token: ControlToken; last: string }>();

  const send = (ws: WebSocket, client: { token: ControlToken; last: string }) => {
    const state = control.state(client.token);
    const { at: _at, ...unchanged } = state;
    const seen = JSON.stringify(unchanged);
    if (seen === client.last) return;
    client.last = seen;
    ws.send(JSON.stringify(state));
  };
  const push = () => {
    for (const [ws, client] of clients) {
      try {
        send(ws, client);
      } catch (error) {
        log.warn({ error: String(error) }, 'control state not pushed');
      }
    }
  };

  const onUpgrade = (
    request: Parameters<typeof wss.handleUpgrade>[0],
    socket: Parameters<typeof wss.handleUpgrade>[1],
    head: Buffer,
  ) => {
    const url = new URL(request.url ?? '/', 'http://control.invalid');
    if (url.pathname !== CONTROL_SOCKET_PATH) return;
    let token: ControlToken;
    try {
      const presented = bearerToken(request.headers.authorization) ?? url.searchParams.get('token') ?? undefined;
      token = control.authenticate(presented, request.socket.remoteAddress ?? '', 'websocket');
    } catch (error) {
      const refusal = error instanceof AppError ? error : new AppError('INTERNAL');
      const body = JSON.stringify(refusal.toBody());
      socket.end(
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const client = { token, last: '' };
      clients.set(ws, client);
      control.tokens.logCall(token, 'websocket', 'ok');
      ws.on('close', () => clients.delete(ws));
      ws.on('message', () => undefined);
      ws.on('error', () => clients.delete(ws));
      send(ws, client);
    });
  };
  server.on('upgrade', onUpgrade);

  const stopChange = control.onChange(push);
  const stopRevoke = control.onRevoke((tokenId) => {
    for (const [ws, client] of clients) {
      if (client.token.id === tokenId) {
        clients.delete(ws);
        ws.close(CLOSE_REVOKED, 'token revoked');
      }
    }
  });
  const ticker = setInterval(push, CONTROL_TICK_MS);
  ticker.unref();

  return {
    close: async () => {
      clearInterval(ticker);
      stopChange();
      stopRevoke();
      server.off('upgrade', onUpgrade);
      for (const ws of clients.keys()) ws.terminate();
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
