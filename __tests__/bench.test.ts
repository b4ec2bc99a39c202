import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";

const run = promisify(execFile);

interface BenchRow {
  system: string;
  mode: string;
  "deliveries/s": number;
  "said/s": number;
  dropped: number;
  lost: number;
  refused: number;
  [column: string]: unknown;
}

const columns = [
  "system",
  "mode",
  "deliveries/s",
  "p50 ms",
  "p99 ms",
  "max ms",
  "server µs/delivery",
  "writes/delivery",
  "redis µs/msg",
  "RSS MB idle→peak",
  "redis out KB",
  "said/s",
  "dropped",
  "lost",
  "refused",
  "limit",
];

// The benchmark's own correctness, on a tiny load: its figures are never asserted here.
test("npm run bench counts every delivery: a tiny run of every system and mode drops nothing and fills the table", async () => {
  const roomSize = 5;
  const { stdout } = await run(
    process.execPath,
    [
      path.join(__dirname, "..", "bench", "index.js"),
      ...["--clients", "20", "--room-size", String(roomSize)],
      ...[
        "--rate",
        "40",
        "--warmup",
        "0.5",
        "--duration",
        "1",
        "--window",
        "2",
      ],
      ...["--systems", "baseline,websocket,tcp", "--modes", "rate,saturated"],
      ...["--format", "json"],
    ],
    { encoding: "utf8" },
  );
  const { setting, rows } = JSON.parse(stdout) as {
    setting: string;
    rows: BenchRow[];
  };
  expect(setting).toContain("20 clients in rooms of 5");
  expect(rows.map(({ system, mode }) => `${system}, ${mode}`)).toEqual([
    "baseline, 40 msg/s",
    "websocket, 40 msg/s",
    "tcp, 40 msg/s",
    "baseline, saturated (window 2)",
    "websocket, saturated (window 2)",
    "tcp, saturated (window 2)",
  ]);
  for (const row of rows) {
    expect(Object.keys(row)).toEqual(columns);
    expect(row.dropped).toBe(0);
    expect(row.lost).toBe(0);
    expect(row.refused).toBe(0);
    expect(row["said/s"]).toBeGreaterThan(0);
    expect(row["deliveries/s"]).toBeGreaterThan(0);
    expect(Number(row["writes/delivery"])).toBeGreaterThan(0);
  }
}, 120_000);

test("npm run bench -- --modes scale: a tiny run joins, delivers, drops and stops every client, and the node still chats", async () => {
  const clients = 20;
  const { stdout } = await run(
    process.execPath,
    [
      path.join(__dirname, "..", "bench", "index.js"),
      ...["--clients", String(clients), "--room-size", "5", "--rate", "40"],
      ...["--warmup", "0.5", "--duration", "1"],
      ...["--systems", "websocket,tcp", "--modes", "scale"],
      ...["--format", "json"],
    ],
    { encoding: "utf8" },
  );
  const { rows } = JSON.parse(stdout) as { rows: BenchRow[] };
  expect(rows.map(({ system }) => system)).toEqual(["websocket", "tcp"]);
  for (const row of rows) {
    expect(row).toMatchObject({
      "joins refused": 0,
      "joins unanswered": 0,
      dropped: 0,
      lost: 0,
      leaves: clients,
      "chats after": "yes",
      "members after stop": 0,
    });
    expect(row["deliveries/s"]).toBeGreaterThan(0);
    expect(Number(row["join storm s"])).toBeGreaterThan(0);
  }
}, 120_000);
