import "./historyOn";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { api, chatRoom, Process, specHelper } from "actionhero";

/** Every TypeScript block marked `<!-- runs -->` in these files runs against a live application. */
const documents = [
  "README.md",
  "docs/api.md",
  "docs/customizing.md",
  "docs/presence-and-history.md",
];
const root = path.join(__dirname, "..", "..");

function runnableExamples(document: string) {
  const text = fs.readFileSync(path.join(root, document), "utf8");
  return [...text.matchAll(/<!-- runs -->\s*```ts\n([\s\S]*?)```/g)].map(
    (match, n) => ({
      name: `${document} #${n + 1}: ${match[1].split("\n")[0]}`,
      code: match[1],
    }),
  );
}

/** Imports stay at the top; the rest runs in an async function, with a connection of this node in "lobby". */
function compile(code: string) {
  const imports = code.split("\n").filter((line) => line.startsWith("import "));
  const body = code.split("\n").filter((line) => !line.startsWith("import "));
  const source = `${imports.join("\n")}\nexport default async (connection: any, connectionId: string) => {\n{\n${body.join("\n")}\n}\n};`;
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
    },
  });
  const module = {
    exports: {} as {
      default?: (connection: unknown, connectionId: string) => Promise<void>;
    },
  };
  new Function(
    "module",
    "exports",
    "require",
    "api",
    "chatRoom",
    "specHelper",
    outputText,
  )(module, module.exports, require, api, chatRoom, specHelper);
  return module.exports.default!;
}

const examples = documents.flatMap(runnableExamples);

describe("the documentation's examples", () => {
  const actionhero = new Process();
  let hooks: Record<string, unknown>;

  // Examples may log what they get (some through callbacks, after they return).
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);

  beforeAll(async () => {
    await actionhero.start();
    hooks = {
      generateMemberDetails: api.chatRoom.generateMemberDetails,
      sanitizeMemberDetails: api.chatRoom.sanitizeMemberDetails,
      generateMessagePayload: api.chatRoom.generateMessagePayload,
      presenceKey: api.chatRoom.presenceKey,
    };
  });
  afterAll(async () => {
    await actionhero.stop();
    log.mockRestore();
  });

  afterEach(() => {
    Object.assign(api.chatRoom, hooks);
    for (const middleware of api.chatRoom.listMiddleware()) {
      if (middleware.name !== "authenticated rooms") {
        api.chatRoom.removeMiddleware(middleware.name);
      }
    }
  });

  test("there are examples to run", () => {
    expect(examples.length).toBeGreaterThanOrEqual(14);
  });

  test.each(examples)("$name", async ({ code }) => {
    const run = compile(code);
    await api.chatRoom.add("lobby");
    const connection = await specHelper.buildConnection();
    connection.session!.name = "Alice";
    await connection.verbs("roomAdd", "lobby");
    try {
      await run(connection, connection.id);
    } finally {
      await connection.destroy();
    }
  });
});
