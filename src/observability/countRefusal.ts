import { ChatError } from "../errors";
import type { ChatObserver, RefusedRequest } from "./chatObserver";
import { trace } from "./trace";

/** Counts a say or join that is refused, by its code (`MIDDLEWARE_REFUSED` for a middleware's own error), and traces why. */
export function countRefusal<T>(
  observer: ChatObserver,
  request: RefusedRequest,
  work: Promise<T>,
): Promise<T> {
  return work.catch((error: unknown) => {
    const code = error instanceof ChatError ? error.code : "MIDDLEWARE_REFUSED";
    observer.refused(request, code);
    (request === "say" ? trace.say : trace.membership)(
      "%s refused (%s): %s",
      request,
      code,
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  });
}
