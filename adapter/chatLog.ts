import { log } from "actionhero";
import { rateLimitedLogger } from "../src/observability/rateLimitedLog";
import type { ChatLogger } from "../src/types";

/**
 * The plugin's lines in actionhero's log, marked `[chat]`. Lines of one kind (the same warning about
 * any connection) are let through 10 per 10 s, so that no client can fill the log by misbehaving.
 */
export const chatLog: ChatLogger = rateLimitedLogger(
  (message, level, data) => log(`[chat] ${message}`, level, data),
  { linesPerKind: 10, windowMs: 10_000 },
);
