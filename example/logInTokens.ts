import { createHmac, timingSafeEqual } from "crypto";
import { config } from "actionhero";

/** How long a log-in token lets a page log in again without its password. */
const lifetime = 12 * 60 * 60 * 1000;

const signature = (expiresAt: string) =>
  createHmac("sha256", String(config.general!.serverToken))
    .update(`logIn:${expiresAt}`)
    .digest("base64url");

/**
 * A token that logs a connection in again (after a reconnect opened a new one) without the
 * password: its expiry, signed with the app's serverToken, so it outlives a restart of the app.
 */
export function issueLogInToken(): string {
  const expiresAt = String(Date.now() + lifetime);
  return `${expiresAt}.${signature(expiresAt)}`;
}

export function isValidLogInToken(token: string): boolean {
  const [expiresAt, signed = ""] = token.split(".");
  const expected = Buffer.from(signature(expiresAt));
  const given = Buffer.from(signed);
  return (
    Number(expiresAt) > Date.now() &&
    given.length === expected.length &&
    timingSafeEqual(given, expected)
  );
}
