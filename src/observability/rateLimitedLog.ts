import type { ChatLogger } from "../types";

export interface LogRateLimit {
  /** Lines of one kind let through per window. */
  linesPerKind: number;
  windowMs: number;
}

/** Kinds remembered at most: past it they are forgotten, so that the map stays small whatever is logged. */
const maxKinds = 1000;

/**
 * A logger that lets through at most `linesPerKind` lines of one kind per window, so that what clients
 * send cannot fill the log: a kind is the line's text with quoted parts and numbers taken out (the same
 * warning about any connection or room). The first line of a kind in a later window says how many were
 * held back before it.
 */
export function rateLimitedLogger(
  log: ChatLogger,
  { linesPerKind, windowMs }: LogRateLimit,
): ChatLogger {
  const kinds = new Map<
    string,
    { windowStart: number; lines: number; heldBack: number }
  >();
  return (message, level, data) => {
    const kind = `${level}:${kindOf(message)}`;
    const now = Date.now();
    let count = kinds.get(kind);
    if (!count || now - count.windowStart >= windowMs) {
      if (count?.heldBack)
        log(
          `held back ${count.heldBack} more lines like the next one in ${windowMs / 1000} s`,
          level,
        );
      if (!count && kinds.size >= maxKinds) kinds.clear();
      count = { windowStart: now, lines: 0, heldBack: 0 };
      kinds.set(kind, count);
    }
    if (count.lines < linesPerKind) {
      count.lines++;
      log(message, level, data);
    } else {
      count.heldBack++;
    }
  };
}

function kindOf(message: string) {
  return message.replace(/"[^"]*"/g, '""').replace(/\d+/g, "#");
}
