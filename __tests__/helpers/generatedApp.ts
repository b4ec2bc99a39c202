import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { blocksOf, projectRoot } from "../docs/docBlocks";
import {
  startNodeProcess,
  stopChildProcess,
  type WatchedProcess,
} from "./childProcess";
import { freePort } from "./redisServer";

const run = promisify(execFile);
const guide = blocksOf("docs/getting-started.md");
/** A block of the guide that is a file of the application names it on its first line. */
const fileNamedOnFirstLine =
  /^(?:\/\/|<!--)\s*((?:src|public)\/\S+?)\s*(?:-->)?$/;

/**
 * An application that `actionhero generate` made, with the package packed by `npm pack` installed
 * and set up as docs/getting-started.md says: the guide's files written as they are shown, its
 * commands run. Everything is in a temporary folder.
 */
export class GeneratedApp {
  port = 0;
  socketPort = 0;
  private server?: WatchedProcess;

  private constructor(
    private readonly folder: string,
    readonly directory: string,
  ) {}

  static async create(): Promise<GeneratedApp> {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "ah-chat-app-"));
    const app = new GeneratedApp(folder, path.join(folder, "my-chat-app"));
    try {
      await app.setUp();
    } catch (error) {
      await app.remove();
      throw error;
    }
    return app;
  }

  private async setUp() {
    fs.mkdirSync(this.directory);
    const tarball = await packPackage(this.folder);
    await run(
      process.execPath,
      [
        path.join(
          projectRoot,
          "node_modules/actionhero/dist/bin/actionhero.js",
        ),
        "generate",
      ],
      { cwd: this.directory },
    );
    // The guide's two installs in one (the generated dependencies, formidable's types, the plugin),
    // from npm's cache where it can; no install scripts (npm 11 runs none of its dependencies' by default).
    await run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "@types/formidable",
        tarball,
      ],
      { cwd: this.directory },
    );
    this.writeGuideFiles();
    await this.runGuideCommand("src/config/redis.ts");
  }

  /** Writes a file of the application. */
  writeFile(file: string, text: string) {
    fs.mkdirSync(path.dirname(path.join(this.directory, file)), {
      recursive: true,
    });
    fs.writeFileSync(path.join(this.directory, file), text);
  }

  /** `npm run build`, as the guide does: the application's own tsc and tsconfig. */
  build() {
    return this.runShowingOutput("npm", ["run", "build"]);
  }

  /**
   * Type-checks one file of the application with the application's tsc and `--strict`, as code of a
   * strict application (the generated tsconfig and files are not strict; libraries' types are skipped).
   */
  typeCheckStrictly(file: string) {
    return this.runShowingOutput("npx", [
      "tsc",
      "--noEmit",
      "--strict",
      "--skipLibCheck",
      "--module",
      "commonjs",
      "--target",
      "es2018",
      file,
    ]);
  }

  /** Starts the built application on free ports, as `npm start` does. */
  async start() {
    [this.port, this.socketPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(this.port),
      SOCKET_PORT: String(this.socketPort),
    };
    // What jest sets would make actionhero read this test's config, or the app's TypeScript.
    for (const name of ["ACTIONHERO_CONFIG", "TS_JEST", "JEST_WORKER_ID"])
      delete env[name];
    this.server = await startNodeProcess("dist/server.js", {
      cwd: this.directory,
      env,
      ready: "*** my_actionhero_project Started ***",
    });
  }

  output() {
    return this.server?.output() ?? "";
  }

  /** A module as the application would load it, from its own node_modules. */
  require<T>(name: string): T {
    return require(require.resolve(name, { paths: [this.directory] })) as T;
  }

  async remove() {
    const server = this.server;
    if (server)
      await stopChildProcess(server.child, () => server.child.kill("SIGTERM"));
    fs.rmSync(this.folder, { recursive: true, force: true });
  }

  private writeGuideFiles() {
    for (const block of guide) {
      const file = fileNamedOnFirstLine.exec(block.code.split("\n")[0])?.[1];
      if (file !== undefined) this.writeFile(file, `${block.code}\n`);
    }
  }

  /** Runs a command in the application; if it fails, the error holds what it printed. */
  private async runShowingOutput(command: string, args: string[]) {
    try {
      await run(command, args, { cwd: this.directory });
    } catch (error) {
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      throw new Error(
        `${[command, ...args].join(" ")} failed:\n${stdout}${stderr}`,
      );
    }
  }

  /** Runs the guide's shell block that works on `file`. */
  private async runGuideCommand(file: string) {
    const command = guide.find(
      (block) => block.language === "sh" && block.code.includes(file),
    );
    if (!command) throw new Error(`the guide has no command for ${file}`);
    await run("sh", ["-c", command.code], { cwd: this.directory });
  }
}

async function packPackage(destination: string) {
  const { stdout } = await run(
    "npm",
    ["pack", "--ignore-scripts", "--json", "--pack-destination", destination],
    { cwd: projectRoot },
  );
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  return path.join(destination, filename);
}
