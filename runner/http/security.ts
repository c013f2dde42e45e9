/**
 * What stands between a web page and code execution: a `Host` check (against DNS rebinding),
 * an `Origin` check (against other sites' pages), and a token (the URL carries it once, then a
 * cookie does).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { RunnerError } from "../errors.ts";

/** Host names answered when no others are configured. */
export const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/** A new random token, as printed at start-up. */
export function createToken(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * The name of the cookie that carries the token. Derived from the token so that two servers on
 * the same host (cookies ignore ports) do not overwrite each other's.
 */
export function tokenCookieName(token: string): string {
  return `twb_${createHash("sha256").update(token).digest("hex").slice(0, 10)}`;
}

/** The cookie naming the viewer, whose sessions are theirs alone. */
export const VIEWER_COOKIE = "twb_viewer";

/**
 * Parses a `Cookie` header.
 *
 * @param header - the header's value.
 * @returns the cookies by name (the first of duplicates wins, as browsers send the most specific first).
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === "" || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      cookies.set(name, part.slice(eq + 1).trim());
    }
  }
  return cookies;
}

/**
 * Rejects requests whose `Host` is not one of the allowed host names (any port).
 *
 * @param allowedHosts - host names, lower case, IPv6 in brackets.
 */
export function checkHost(allowedHosts: string[]) {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  return (req: Request, _res: Response, next: NextFunction) => {
    const host = req.headers.host ?? "";
    const name = host.replace(/:\d+$/, "").toLowerCase();
    if (!allowed.has(name)) {
      throw new RunnerError("HOST_NOT_ALLOWED", `This server does not answer for the host \`${host}\`. Open it as http://127.0.0.1:<port>/ (or pass --allow-host ${name || "<name>"} to main).`);
    }
    next();
  };
}

/**
 * Rejects requests made by a page of another origin: an `Origin` header other than this
 * server's, or a browser's `Sec-Fetch-Site: cross-site`. Applies to every method but GET and
 * HEAD, and to every `/api` request.
 */
export function checkOrigin() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const unsafe = req.method !== "GET" && req.method !== "HEAD";
    if (!unsafe && !req.path.startsWith("/api/")) return next();
    const origin = req.headers.origin;
    const expected = `${req.protocol}://${req.headers.host ?? ""}`;
    if (origin !== undefined && origin.toLowerCase() !== expected.toLowerCase()) {
      throw new RunnerError("CROSS_ORIGIN", `Requests from the page \`${origin}\` may not use this server: only its own pages (${expected}) may.`);
    }
    const site = req.headers["sec-fetch-site"];
    if (site === "cross-site" || site === "same-site") {
      throw new RunnerError("CROSS_ORIGIN", `Requests from another site (Sec-Fetch-Site: ${site}) may not use this server.`);
    }
    next();
  };
}

/**
 * Requires the token: as `?token=` (then set as a cookie and the URL cleaned by a redirect), as
 * the cookie, or as `Authorization: Bearer <token>` (for scripts). Also gives each browser a
 * viewer id, in `res.locals.viewer`.
 *
 * @param token - the server's token.
 */
export function requireToken(token: string) {
  const cookieName = tokenCookieName(token);
  const expected = createHash("sha256").update(token).digest();
  const matches = (candidate: string | undefined) =>
    candidate !== undefined && timingSafeEqual(createHash("sha256").update(candidate).digest(), expected);

  return (req: Request, res: Response, next: NextFunction) => {
    const cookies = parseCookies(req.headers.cookie);
    const fromQuery = typeof req.query["token"] === "string" ? req.query["token"] : undefined;
    if (fromQuery !== undefined && req.method === "GET" && matches(fromQuery)) {
      const options = { httpOnly: true, sameSite: "strict", path: "/" } as const;
      res.cookie(cookieName, token, options);
      if (!cookies.has(VIEWER_COOKIE)) res.cookie(VIEWER_COOKIE, randomBytes(12).toString("base64url"), options);
      const url = new URL(req.originalUrl, "http://x");
      url.searchParams.delete("token");
      return res.redirect(303, url.pathname + url.search);
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (!matches(cookies.get(cookieName)) && !matches(bearer)) {
      throw new RunnerError("TOKEN_REQUIRED", "This server needs its token: open the URL it printed at start-up (it ends with ?token=...).");
    }
    res.locals["viewer"] = cookies.get(VIEWER_COOKIE) ?? (bearer ? "script" : "anonymous");
    next();
  };
}

/** Security headers for every response: no framing by other sites, no sniffing, no referrer. */
export function securityHeaders() {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader(
      "Content-Security-Policy",
      // reveal.js's speaker view writes inline scripts into its window and frames this page.
      "default-src 'self'; img-src 'self' data: https:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
        "script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    );
    next();
  };
}
