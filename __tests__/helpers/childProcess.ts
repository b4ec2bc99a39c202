import type { ChildProcess } from "child_process";

/** Asks a child process to stop, and resolves once it has exited (at once if it already has). */
export function stopChildProcess(
  child: ChildProcess,
  ask: () => void,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    ask();
  });
}
