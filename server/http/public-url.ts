import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * The address every printed link, QR code and copied output URL is built on. It comes from
 * configuration (CHOUCHA_PUBLIC_URL) or, when that is unset, from the address the server was told
 * to listen on — never from a request's Host header, which any client can set (`Host: evil.example`
 * would otherwise be printed on the bulletin and in the judges' QR codes).
 */

export class PublicUrlError extends Error {}

/** CHOUCHA_PUBLIC_URL as an origin without a trailing slash; a bad value throws, in Chinese. */
export function parsePublicUrl(value: string): string {
  const hint = '应形如 http://192.168.1.10:3000 或 https://choucha.example.cn';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new PublicUrlError(`CHOUCHA_PUBLIC_URL「${value}」不是有效的网址，${hint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PublicUrlError(`CHOUCHA_PUBLIC_URL 只能用 http 或 https，不能是「${url.protocol}」，${hint}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new PublicUrlError(`CHOUCHA_PUBLIC_URL 不能带用户名或密码，${hint}`);
  }
  // Pages are served at the root: a path, query or fragment would be glued in front of every link.
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new PublicUrlError(
      `CHOUCHA_PUBLIC_URL 只能是协议、主机和端口，不能带路径、查询或锚点（「${value}」），${hint}`,
    );
  }
  return url.origin;
}

/** Whether a listen host only answers on this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/u.test(host);
}

/** Whether a listen host means every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** An http origin for a host and port, with IPv6 literals in brackets. */
export function originOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The origin links use when no public URL is configured: `linkHost` (what main.ts was told to
 * listen on) or else the bound address, with the bound port; a wildcard bind answers on loopback.
 */
export function listenOrigin(address: AddressInfo | string | null, linkHost?: string): string {
  const bound = address !== null && typeof address === 'object' ? address : null;
  const host = linkHost ?? bound?.address ?? '127.0.0.1';
  const port = bound?.port ?? 80;
  return originOf(isWildcardHost(host) ? '127.0.0.1' : host, port);
}

/** This machine's first external IPv4 address: what a tablet on the LAN reaches for a wildcard bind. */
export function lanAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}
