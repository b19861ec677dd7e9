import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The dashboard's security rules, as plain checks the server applies to every request:
 * - the URL's token (192 random bits) is exchanged once for a session cookie (HttpOnly, SameSite=Strict);
 * - every other request needs that cookie;
 * - Host must name this server by loopback address or `localhost` (a DNS-rebinding page sends its own name);
 * - a request that changes something must come from this origin (Origin header), as JSON.
 */
export const COOKIE = 'tf_ui';

/** 24 random bytes as base64url: 192 bits, past the 128 a guessing attack would need. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant time, so the answer's timing says nothing about how much of a guess was right. */
export function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The two names this server answers to; anything else (evil.example, another port) is refused. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function hostAllowed(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host;
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** POST: Origin must be this server, under the name the Host header used. */
export function originAllowed(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  return origin !== undefined && origin.toLowerCase() === `http://${request.headers.host?.toLowerCase()}`;
}

export function cookieValue(request: IncomingMessage, name = COOKIE): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function sessionCookie(session: string): string {
  return `${COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
}

/**
 * Sent with every answer. No inline script or style, nothing from elsewhere, no framing, no
 * referrer (the token must never leave in one), no content sniffing.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
