/**
 * Who may talk to the web-mode server. It listens on loopback, but any web page the user visits
 * can send requests to loopback, and a DNS-rebinding page can even appear same-origin under a
 * foreign host name. So every request must (1) name an allowed Host, (2) carry no foreign Origin,
 * and (3) for the API, present the per-start random token the user got in the printed URL.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_HEADER = 'x-llmdirec-token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The Host header values that mean "this server": loopback names plus the bound host, with the port. */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  return new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
}

export function hostAllowed(hostHeader: string | undefined, hosts: Set<string>): boolean {
  return typeof hostHeader === 'string' && hosts.has(hostHeader.toLowerCase());
}

/** No Origin (same-origin GET, curl, the CLI) is fine; otherwise it must be this server itself. */
export function originAllowed(origin: string | undefined, hosts: Set<string>): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' && hosts.has(parsed.host.toLowerCase());
}

export function tokenMatches(given: unknown, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
