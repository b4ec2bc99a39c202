import { spawn, type ChildProcess } from "child_process";

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

/** A child process whose output (stdout and stderr) is kept as it comes. */
export interface WatchedProcess {
  child: ChildProcess;
  output(): string;
}

/** Starts `node script` and resolves once its output includes `ready`; rejects, with the output, if it exits first. */
export function startNodeProcess(
  script: string,
  options: { cwd?: string; env: NodeJS.ProcessEnv; ready: string },
): Promise<WatchedProcess> {
  const child = spawn(process.execPath, [script], {
    cwd: options.cwd,
    env: options.env,
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      const wasReady = output.includes(options.ready);
      output += chunk.toString();
      if (!wasReady && output.includes(options.ready)) {
        child.removeListener("exit", exited);
        resolve({ child, output: () => output });
      }
    };
    const exited = (code: number | null) =>
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("exit", exited);
  });
}
