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

/** Shortest access token accepted: the generated ones are 32 characters (24 random bytes). */
export const MIN_TOKEN_LENGTH = 16;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Why the server must not start with this host and token, or undefined. A short or empty token
 * (only possible through the API; the CLI always generates one) is refused everywhere, and with
 * a wording that says what is at stake when the address is reachable from other computers.
 */
export function bindRefusal(host: string, token: string): string | undefined {
  if (token.length >= MIN_TOKEN_LENGTH) return undefined;
  return isLoopback(host)
    ? `Refusing to serve with an access token shorter than ${MIN_TOKEN_LENGTH} characters.`
    : `Refusing to listen on ${host}, an address other computers can reach, without an access token of at least ${MIN_TOKEN_LENGTH} characters: anyone on the network could use the workstation. Leave the token to the server (it makes one per start), or serve on 127.0.0.1 and forward the port over SSH (docs/remote.md).`;
}
