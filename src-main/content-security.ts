/**
 * The renderer's Content-Security-Policy: only our own scripts, no eval, no plugins, no frames.
 * Inline *styles* are allowed because Vue and ECharts set element styles; scripts never are. The
 * desktop app and the web server send the same policy.
 */
export function contentSecurityPolicy(connect: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${connect.length ? ` ${connect.join(' ')}` : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
