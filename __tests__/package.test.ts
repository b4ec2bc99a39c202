import { execFileSync } from "child_process";
import * as path from "path";

test("the packed package holds the built plugin (initializers, servers, types) and no tests or demo", () => {
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: path.join(__dirname, ".."),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as [{ files: { path: string }[] }];
  const files = pack.files.map((file) => file.path);
  expect(files).toEqual(
    expect.arrayContaining([
      "dist/index.js",
      "dist/index.d.ts",
      "dist/initializers/chat.js",
      "dist/initializers/socketServerConfig.js",
      "dist/servers/socket.js",
      "README.md",
      "docs/api.md",
    ]),
  );
  expect(
    files.filter(
      (file) => /__tests__|example|\.ts$/.test(file) && !file.endsWith(".d.ts"),
    ),
  ).toEqual([]);
});
