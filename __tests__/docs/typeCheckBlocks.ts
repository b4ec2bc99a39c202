import * as path from "path";
import * as ts from "typescript";
import { projectRoot, type DocBlock } from "./docBlocks";

/**
 * What a block may use without importing or declaring it: only what the pages' prose gives the reader,
 * `connection` (a connection of this node that is in room "lobby") and its `connectionId`. Everything
 * else a block uses it imports itself, as a user who pastes it would (`api`, `chatRoom` and `specHelper`
 * from "actionhero", `chat` from "ah-chat-plugin"), or the page has one `<!-- page imports -->` block
 * (docBlocks.ts) shown before the blocks that rely on it. A block's own declarations take precedence.
 * The types the package adds to `api.chatRoom` reach every block, as they reach every file of an
 * application that imports the package once.
 * When a block runs, it is given the same names (examples.test.ts).
 */
const prelude = `
import type { Connection } from "actionhero";
declare global {
  const connection: Connection;
  const connectionId: string;
}
export {};
`;

/**
 * Blocks are checked as modules of an application written in strict TypeScript, in an ES module
 * (so they may `await` at the top), by the real compiler. "ah-chat-plugin" resolves as it does for
 * a user, through the package's `exports` map to the built package (`npm run build` first): the
 * blocks' files sit inside the package, which may import itself by name.
 */
const compilerOptions: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  // actionhero's own declarations do not all pass strict checks.
  skipLibCheck: true,
  types: ["node", "jest"],
};

const blocksFolder = path.join(projectRoot, "__tests__", "docs", "blocks");

/**
 * The compiler's errors, as `docs/api.md:18:7 message`: each block's, and the prelude's (were it wrong,
 * the names it declares would not be checked).
 */
export function typeCheckBlocks(blocks: DocBlock[]) {
  const preludeFile = path.join(blocksFolder, "prelude.d.ts");
  const sources = new Map<string, string>([[preludeFile, prelude]]);
  const fileOf = new Map<DocBlock, string>();
  blocks.forEach((block, n) => {
    const file = path.join(blocksFolder, `block${n}.ts`);
    fileOf.set(block, file);
    // Each block is a module of its own, whatever it imports or exports. The page's imports go
    // after its code (imports are hoisted), so that the block's lines keep their numbers.
    sources.set(
      file,
      `${block.code}\n${block.pageImports ?? ""}\nexport {};\n`,
    );
  });

  const host = ts.createCompilerHost(compilerOptions);
  const readFile = host.readFile;
  host.readFile = (file) => sources.get(file) ?? readFile(file);
  const fileExists = host.fileExists;
  host.fileExists = (file) => sources.has(file) || fileExists(file);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (file, language, ...rest) => {
    const text = sources.get(file);
    return text === undefined
      ? getSourceFile(file, language, ...rest)
      : ts.createSourceFile(file, text, language);
  };
  const program = ts.createProgram([...sources.keys()], compilerOptions, host);

  const errorsOf = (file: string, document: string, firstLine: number) => {
    const source = program.getSourceFile(file)!;
    return ts.getPreEmitDiagnostics(program, source).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(
        diagnostic.messageText,
        "\n",
      );
      if (diagnostic.file !== source || diagnostic.start === undefined)
        return message;
      const { line, character } = source.getLineAndCharacterOfPosition(
        diagnostic.start,
      );
      return `${document}:${firstLine + line}:${character + 1} ${message}`;
    });
  };
  return {
    preludeErrors: errorsOf(preludeFile, "prelude", 1),
    blockErrors: new Map(
      [...fileOf].map(([block, file]) => [
        block,
        errorsOf(file, block.document, block.line),
      ]),
    ),
  };
}
