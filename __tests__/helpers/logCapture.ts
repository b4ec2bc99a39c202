import { loggers } from "actionhero";

/** Collects what actionhero logs from now on. */
export function captureLogs() {
  const lines: string[] = [];
  const logger = loggers[0];
  const listener = (info: { message: string }) => lines.push(info.message);
  logger.on("data", listener);
  return { lines, stop: () => logger.off("data", listener) };
}
