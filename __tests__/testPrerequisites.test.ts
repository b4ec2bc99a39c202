import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const script = path.join(__dirname, "..", "scripts", "testPrerequisites.sh");

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the script, as `npm test` does before the tests, with `PATH` as given. */
function runScript(PATH: string | undefined): Promise<Outcome> {
  return new Promise((resolve) =>
    execFile("/bin/sh", [script], { env: { PATH } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
}

describe("what `npm test` needs from the OS (scripts/testPrerequisites.sh)", () => {
  let bin: string;

  /** A folder for PATH with the real programs named, and no other. */
  function binWith(...programs: string[]) {
    for (const program of programs)
      fs.symlinkSync(
        ["/usr/bin", "/bin"]
          .map((folder) => path.join(folder, program))
          .find((file) => fs.existsSync(file))!,
        path.join(bin, program),
      );
    return bin;
  }

  function writeProgram(name: string, script: string) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${script}\n`, {
      mode: 0o755,
    });
  }

  beforeEach(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "test-prerequisites-"));
  });
  afterEach(() => fs.rmSync(bin, { recursive: true, force: true }));

  test("with everything installed, it succeeds and prints nothing", async () => {
    expect(await runScript(process.env.PATH)).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });
  });

  test("without redis-server and no way to install it (no apt-get, no sudo), it stops with one line naming it and the command that installs it", async () => {
    const outcome = await runScript(binWith("id", "openssl"));
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe("");
    expect(outcome.stderr).toMatch(
      /^npm test needs redis-server: install with "(sudo )?apt-get install -y redis-server"\n$/,
    );
  });

  test("where apt-get needs no password, it installs what is missing, saying what, and succeeds", async () => {
    binWith("id", "openssl", "env");
    const log = path.join(bin, "apt-get.log");
    writeProgram("sudo", '[ "$1" = -n ] && shift\n"$@"');
    // Records what it is asked, and installing puts a redis-server on PATH.
    writeProgram(
      "apt-get",
      `echo "$DEBIAN_FRONTEND $*" >> ${log}\n` +
        `[ "$1" = install ] && printf '#!/bin/sh\\n' > ${bin}/redis-server && /bin/chmod +x ${bin}/redis-server\n` +
        "exit 0",
    );
    expect(await runScript(bin)).toEqual({
      code: 0,
      stdout: "npm test needs redis-server: installing with apt-get\n",
      stderr: "",
    });
    expect(fs.readFileSync(log, "utf8")).toBe(
      " update -qq\nnoninteractive install -y -qq redis-server\n",
    );
  });
});
