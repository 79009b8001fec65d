/**
 * The studio page's Content-Security-Policy, one string for both shells: the Electron session
 * (response header) and browser mode's server. src/renderer/index.html carries the same policy
 * in a <meta> tag, less frame-ancestors, which a <meta> policy cannot set.
 * 'unsafe-inline' for styles only: recharts positions its SVG with inline style attributes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
