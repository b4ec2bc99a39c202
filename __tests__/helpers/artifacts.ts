import * as fs from "fs";
import * as path from "path";

/** The folder where tests leave what a person may want to look at afterwards (git ignores it). */
export const artifactsDirectory = path.join(__dirname, "..", "artifacts");

/** Writes `data` as JSON to `__tests__/artifacts/<name>.json`, making the folder if needed. */
export function writeArtifact(name: string, data: unknown) {
  fs.mkdirSync(artifactsDirectory, { recursive: true });
  fs.writeFileSync(
    path.join(artifactsDirectory, `${name}.json`),
    JSON.stringify(data, null, 2),
  );
}
