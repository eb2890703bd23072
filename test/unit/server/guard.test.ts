import { describe, expect, it } from 'vitest';
import { allowedHosts, hostAllowed, newToken, originAllowed, tokenMatches } from '../../../src-main/server/guard';
import { contentSecurityPolicy } from '../../../src-main/content-security';
import { isAllowedExternalUrl, isAppUrl } from '../../../src-main/electron/security';

describe('web server guard', () => {
  const hosts = allowedHosts('127.0.0.1', 5174);

  it('accepts loopback names with the right port only', () => {
    expect(hostAllowed('127.0.0.1:5174', hosts)).toBe(true);
    expect(hostAllowed('LOCALHOST:5174', hosts)).toBe(true);
    expect(hostAllowed('[::1]:5174', hosts)).toBe(true);
    expect(hostAllowed('127.0.0.1:5175', hosts)).toBe(false);
    // DNS rebinding: an attacker's name resolving to 127.0.0.1 still sends its own Host.
    expect(hostAllowed('evil.example:5174', hosts)).toBe(false);
    expect(hostAllowed(undefined, hosts)).toBe(false);
  });

  it('accepts no Origin or our own, refuses every other page', () => {
    expect(originAllowed(undefined, hosts)).toBe(true);
    expect(originAllowed('http://127.0.0.1:5174', hosts)).toBe(true);
    expect(originAllowed('http://localhost:5174', hosts)).toBe(true);
    expect(originAllowed('https://127.0.0.1:5174', hosts)).toBe(false);
    expect(originAllowed('http://evil.example', hosts)).toBe(false);
    expect(originAllowed('http://127.0.0.1:8080', hosts)).toBe(false);
    expect(originAllowed('null', hosts)).toBe(false);
  });

  it('compares tokens exactly', () => {
    const token = newToken();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(newToken()).not.toBe(token);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token.slice(1), token)).toBe(false);
    expect(tokenMatches(`${token}x`, token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
  });

  it('adds an explicitly bound host name', () => {
    const lan = allowedHosts('192.168.1.5', 80);
    expect(hostAllowed('192.168.1.5:80', lan)).toBe(true);
    expect(hostAllowed('127.0.0.1:80', lan)).toBe(true);
  });
});

describe('electron shell policy', () => {
  const where = { rendererFile: '/opt/app/out/renderer/index.html' };

  it('trusts only our own renderer page', () => {
    expect(isAppUrl('file:///opt/app/out/renderer/index.html', where)).toBe(true);
    expect(isAppUrl('file:///opt/app/out/renderer/index.html#/runs', where)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', where)).toBe(false);
    expect(isAppUrl('https://example.com/', where)).toBe(false);
    expect(isAppUrl(undefined, where)).toBe(false);
    expect(isAppUrl('not a url', where)).toBe(false);
    const dev = { ...where, devServerUrl: 'http://localhost:5173/' };
    expect(isAppUrl('http://localhost:5173/#/datasets', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
  });

  it('opens only allowlisted https links', () => {
    expect(isAllowedExternalUrl('https://arxiv.org/abs/2501.00001')).toBe(true);
    expect(isAllowedExternalUrl('https://www.github.com/x')).toBe(true);
    expect(isAllowedExternalUrl('http://arxiv.org/')).toBe(false);
    expect(isAllowedExternalUrl('https://arxiv.org.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@github.com/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl(42)).toBe(false);
  });

  it('has a CSP without inline or eval scripts', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
