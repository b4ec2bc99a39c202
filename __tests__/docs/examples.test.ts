import "./historyOn";
import * as ts from "typescript";
import { api, Process, specHelper } from "actionhero";
import { docBlocks, projectRoot, type DocBlock } from "./docBlocks";
import { typeCheckBlocks } from "./typeCheckBlocks";

// The built package, as the application under test loaded it (its `chat` is that application's).
const builtPackage = require(projectRoot) as typeof import("../..");

const blocks = docBlocks().filter((block) => block.language === "ts");
const checked = blocks.filter((block) => block.noTypecheck === undefined);
const unchecked = blocks.filter((block) => block.noTypecheck !== undefined);
const runnable = blocks.filter((block) => block.runs);

describe("every TypeScript block of README.md and docs/", () => {
  let errors: ReturnType<typeof typeCheckBlocks>;
  beforeAll(() => {
    errors = typeCheckBlocks(checked);
  }, 120_000);

  test("there are blocks to check, and the prelude they share type-checks", () => {
    expect(checked.length).toBeGreaterThanOrEqual(40);
    expect(errors.preludeErrors).toEqual([]);
  });

  test.each(checked)("$location type-checks", (block) => {
    expect(errors.blockErrors.get(block)).toEqual([]);
  });

  // Listed, so that what is left out shows in every run.
  if (unchecked.length > 0)
    test.skip.each(unchecked)("$location ($noTypecheck)", () => undefined);
});

type Scope = Record<"connection" | "connectionId", unknown>;

/**
 * A block's imports, and its page's, stay at the top; the rest runs in an async function given the
 * names of the type-check's prelude (typeCheckBlocks.ts), so a block's own declarations take precedence.
 */
function compile({ code, pageImports }: DocBlock) {
  const source = ts.createSourceFile(
    "block.ts",
    `${pageImports ?? ""}\n${code}`,
    ts.ScriptTarget.ES2022,
  );
  const imports = source.statements.filter(ts.isImportDeclaration);
  const body = source.statements.filter(
    (statement) => !ts.isImportDeclaration(statement),
  );
  const text = (statements: readonly ts.Statement[]) =>
    statements.map((statement) => statement.getFullText(source)).join("\n");
  const wrapped = `${text(imports)}\nexport default async ({ connection, connectionId }) => {\n{\n${text(body)}\n}\n};`;
  const { outputText } = ts.transpileModule(wrapped, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
    },
  });
  const module = {
    exports: {} as { default?: (scope: Scope) => Promise<void> },
  };
  const requireInBlock = (name: string) =>
    name === "ah-chat-plugin" ? builtPackage : require(name);
  new Function("module", "exports", "require", outputText)(
    module,
    module.exports,
    requireInBlock,
  );
  return module.exports.default!;
}

describe("the documentation's runnable blocks", () => {
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

  test("there are blocks to run", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(14);
  });

  test("the package's chat is the application's api.chatRoom", () => {
    expect(builtPackage.chat).toBe(api.chatRoom);
  });

  test.each(runnable)("$location runs", async (block) => {
    const run = compile(block);
    await api.chatRoom.add("lobby");
    const connection = await specHelper.buildConnection();
    connection.session!.name = "Alice";
    await connection.verbs("roomAdd", "lobby");
    try {
      await run({ connection, connectionId: connection.id });
    } finally {
      await connection.destroy();
    }
  });
});
