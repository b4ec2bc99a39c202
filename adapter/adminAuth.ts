import { createHash, createHmac, timingSafeEqual } from "crypto";
import type { IncomingMessage } from "http";
import type { TLSSocket } from "tls";

const cookieName = "ah_chat_admin";

/**
 * Who may use the admin page: whoever sends the token as `Authorization: Bearer <token>`, or carries
 * the session cookie the log-in form sets. The cookie holds a keyed hash of the token, not the token;
 * it is HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it, so its POSTs
 * cannot act) and scoped to the page's path.
 */
export class AdminAuth {
  private readonly session: string;

  constructor(
    private readonly token: string,
    private readonly path: string,
  ) {
    this.session = createHmac("sha256", token)
      .update("ah-chat-admin-session")
      .digest("hex");
  }

  /** Whether the request carries the token or the session cookie. */
  authorizes(request: IncomingMessage) {
    const bearer = /^Bearer\s+(.+)$/i.exec(
      request.headers.authorization ?? "",
    )?.[1];
    if (bearer !== undefined) return this.isToken(bearer.trim());
    const cookie = readCookie(request, cookieName);
    return cookie !== undefined && sameSecret(cookie, this.session);
  }

  /** Compared in constant time, so the answer's timing tells nothing of the token. */
  isToken(candidate: string) {
    return sameSecret(candidate, this.token);
  }

  /** The `Set-Cookie` that logs the browser in. */
  sessionCookie(request: IncomingMessage) {
    return this.cookie(request, this.session, "");
  }

  /** The `Set-Cookie` that logs it out. */
  clearedCookie(request: IncomingMessage) {
    return this.cookie(request, "", "; Max-Age=0");
  }

  private cookie(request: IncomingMessage, value: string, extra: string) {
    // Secure only over TLS (or behind a TLS proxy): a browser drops a Secure cookie sent over plain HTTP.
    const secure =
      (request.socket as TLSSocket).encrypted === true ||
      request.headers["x-forwarded-proto"] === "https";
    return `${cookieName}=${value}; Path=${this.path}; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}${extra}`;
  }
}

/** Digests first: timingSafeEqual needs equal lengths, and the length of the secret stays hidden too. */
function sameSecret(candidate: string, secret: string) {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}

function readCookie(request: IncomingMessage, name: string) {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}
