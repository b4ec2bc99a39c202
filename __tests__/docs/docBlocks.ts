import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export const projectRoot = path.join(__dirname, "..", "..");

/**
 * A fenced block of README.md or docs/*.md, as ```ts. Every `ts` block is type-checked
 * (examples.test.ts). HTML comments on the lines just above a block mark it:
 *
 * - `<!-- runs -->`: it also runs, against a live application;
 * - `<!-- no-typecheck: <why> -->`: it is not type-checked, for the reason given (a block for a part
 *   of the package that is not built yet, say);
 * - `<!-- page imports -->`: it holds only imports, and is the page's import lines: every block
 *   after it on the page is checked and run as a file that begins with them, so that a page need not
 *   repeat them in each block. At most one per page.
 */
export interface DocBlock {
  /** Where it is, as `docs/api.md:18` (its first line of code). */
  location: string;
  document: string;
  /** The document's line of its first line of code. */
  line: number;
  /** What follows the opening fence: `ts`, `sh`, `html`... */
  language: string;
  code: string;
  runs: boolean;
  noTypecheck?: string;
  /** The code of the page's `<!-- page imports -->` block, for the blocks after it. */
  pageImports?: string;
}

const documents = () => [
  "README.md",
  ...fs
    .readdirSync(path.join(projectRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
];

export function docBlocks(): DocBlock[] {
  return documents().flatMap(blocksOf);
}

export function blocksOf(document: string): DocBlock[] {
  const lines = fs
    .readFileSync(path.join(projectRoot, document), "utf8")
    .split("\n");
  const blocks: DocBlock[] = [];
  let pageImports: string | undefined;
  for (let start = 0; start < lines.length; start++) {
    const language = /^```(\w+)$/.exec(lines[start].trim())?.[1];
    if (language === undefined) continue;
    const end = lines.findIndex(
      (line, n) => n > start && line.trim() === "```",
    );
    if (end < 0) throw new Error(`${document}:${start + 1}: unclosed block`);
    const markers = markersAbove(lines, start);
    const code = lines.slice(start + 1, end).join("\n");
    blocks.push({
      location: `${document}:${start + 2}`,
      document,
      line: start + 2,
      language,
      code,
      runs: markers.includes("runs"),
      noTypecheck: markers
        .find((marker) => marker.startsWith("no-typecheck:"))
        ?.slice("no-typecheck:".length)
        .trim(),
      pageImports,
    });
    if (markers.includes("page imports")) {
      const where = `${document}:${start + 2}`;
      if (pageImports !== undefined)
        throw new Error(`${where}: a second page imports block`);
      if (!onlyImports(code))
        throw new Error(`${where}: a page imports block may hold only imports`);
      pageImports = code;
    }
    start = end;
  }
  return blocks;
}

/** The `<!-- ... -->` comments between the block and the text above it. */
function markersAbove(lines: string[], blockStart: number) {
  const markers: string[] = [];
  for (let n = blockStart - 1; n >= 0; n--) {
    const line = lines[n].trim();
    if (line === "") continue;
    const marker = /^<!--\s*(.*?)\s*-->$/.exec(line);
    if (!marker) break;
    markers.push(marker[1]);
  }
  return markers;
}

function onlyImports(code: string) {
  return ts
    .createSourceFile("imports.ts", code, ts.ScriptTarget.ES2022)
    .statements.every(ts.isImportDeclaration);
}
