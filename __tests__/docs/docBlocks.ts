import * as fs from "fs";
import * as path from "path";

export const projectRoot = path.join(__dirname, "..", "..");

/**
 * A fenced block of README.md or docs/*.md, as ```ts. Every `ts` block is type-checked
 * (examples.test.ts). HTML comments on the lines just above a block mark it:
 *
 * - `<!-- runs -->`: it also runs, against a live application;
 * - `<!-- no-typecheck: <why> -->`: it is not type-checked, for the reason given (a block for a part
 *   of the package that is not built yet, say).
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
  for (let start = 0; start < lines.length; start++) {
    const language = /^```(\w+)$/.exec(lines[start].trim())?.[1];
    if (language === undefined) continue;
    const end = lines.findIndex(
      (line, n) => n > start && line.trim() === "```",
    );
    if (end < 0) throw new Error(`${document}:${start + 1}: unclosed block`);
    const markers = markersAbove(lines, start);
    blocks.push({
      location: `${document}:${start + 2}`,
      document,
      line: start + 2,
      language,
      code: lines.slice(start + 1, end).join("\n"),
      runs: markers.includes("runs"),
      noTypecheck: markers
        .find((marker) => marker.startsWith("no-typecheck:"))
        ?.slice("no-typecheck:".length)
        .trim(),
    });
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
