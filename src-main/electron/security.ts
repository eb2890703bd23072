/**
 * The Electron shell's trust decisions as plain functions (no Electron import), so they are unit
 * tested in Node: which frames may call the API, which links may leave the app, and the page's CSP.
 */

/** Where our renderer lives: the built index.html (file://) or, in development, the Vite dev server. */
export interface AppLocation {
  rendererFile: string;
  devServerUrl?: string;
}

/** True when `url` is our own renderer page. Any other frame (a navigated-away page, an iframe) is refused. */
export function isAppUrl(url: string | undefined, where: AppLocation): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (where.devServerUrl) {
    const dev = new URL(where.devServerUrl);
    if (parsed.origin === dev.origin) return true;
  }
  if (parsed.protocol !== 'file:') return false;
  const expected = new URL(`file://${where.rendererFile.startsWith('/') ? '' : '/'}${where.rendererFile.replace(/\\/g, '/')}`);
  return decodeURIComponent(parsed.pathname) === decodeURIComponent(expected.pathname);
}

/** Hosts a link in the app may open in the user's browser (papers, code, dataset homepages). */
export const EXTERNAL_HOSTS = [
  'arxiv.org',
  'doi.org',
  'github.com',
  'grouplens.org',
  'jmcauley.ucsd.edu',
  'www.yelp.com',
  'recbole.io',
  'huggingface.co',
];

/** Only https links to an allowlisted host (or its subdomains), without credentials, may leave the app. */
export function isAllowedExternalUrl(url: unknown, hosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  if (typeof url !== 'string' || url.length > 2000) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  return hosts.some((h) => parsed.hostname === h || parsed.hostname.endsWith(`.${h}`));
}
