import { Counter, Registry } from "prom-client";
import { ChatMetrics } from "../../src/observability/chatMetrics";
import { rateLimitedLogger } from "../../src/observability/rateLimitedLog";
import type { LogLevel } from "../../src/types";

describe("ChatMetrics", () => {
  test("in the application's own registry, its metrics and chat's are scraped together, and chat's leave it when chat stops", async () => {
    const registry = new Registry();
    new Counter({
      name: "app_orders_total",
      help: "orders",
      registers: [registry],
    }).inc();
    const metrics = new ChatMetrics(registry);
    metrics.said("websocket");
    metrics.delivered();
    metrics.delivered();
    const text = await metrics.text();
    expect(text).toContain("app_orders_total 1");
    expect(text).toContain(
      'ah_chat_messages_said_total{transport="websocket"} 1',
    );
    expect(text).toContain("ah_chat_deliveries_total 2");

    metrics.unregister();
    const after = await registry.metrics();
    expect(after).toContain("app_orders_total 1");
    expect(after).not.toContain("ah_chat_");
    // A chat started again registers its metrics anew.
    expect(() => new ChatMetrics(registry)).not.toThrow();
  });

  test("gauges read 0 until they are pointed at a node", async () => {
    const metrics = new ChatMetrics();
    expect(await metrics.text()).toContain("ah_chat_rooms 0");
    metrics.readFrom({
      connectionsByTransport: () => ({ socket: 3 }),
      rooms: () => 2,
      memberships: () => 5,
      liveNodes: async () => 4,
      available: () => true,
      redisMode: "cluster",
    });
    const text = await metrics.text();
    expect(text).toContain('ah_chat_connections{transport="socket"} 3');
    expect(text).toContain("ah_chat_rooms 2");
    expect(text).toContain("ah_chat_memberships 5");
    expect(text).toContain("ah_chat_nodes 4");
    expect(text).toContain('ah_chat_redis_info{mode="cluster"} 1');
  });
});

describe("rateLimitedLogger", () => {
  function logged() {
    const lines: { message: string; level: LogLevel }[] = [];
    let now = 1_000_000;
    jest.spyOn(Date, "now").mockImplementation(() => now);
    const log = rateLimitedLogger(
      (message, level) => lines.push({ message, level }),
      { linesPerKind: 3, windowMs: 10_000 },
    );
    return { lines, log, later: (ms: number) => (now += ms) };
  }
  afterEach(() => jest.restoreAllMocks());

  test("lets through a few lines of one kind per window, whatever connection or room they name, and then says how many it held back", () => {
    const { lines, log, later } = logged();
    for (let n = 0; n < 1000; n++)
      log(`closing connection "c${n}": it floods room "r${n % 7}"`, "warning");
    log('could not deliver a message to connection "c1"', "warning");
    expect(lines.map(({ message }) => message)).toEqual([
      'closing connection "c0": it floods room "r0"',
      'closing connection "c1": it floods room "r1"',
      'closing connection "c2": it floods room "r2"',
      'could not deliver a message to connection "c1"',
    ]);
    later(10_000);
    log('closing connection "late": it floods room "r"', "warning");
    expect(lines.slice(4)).toEqual([
      {
        message: "held back 997 more lines like the next one in 10 s",
        level: "warning",
      },
      {
        message: 'closing connection "late": it floods room "r"',
        level: "warning",
      },
    ]);
  });

  test("the same text at another level is another kind", () => {
    const { lines, log } = logged();
    for (let n = 0; n < 5; n++) {
      log("Redis said no", "warning");
      log("Redis said no", "error");
    }
    expect(lines.filter(({ level }) => level === "error")).toHaveLength(3);
    expect(lines.filter(({ level }) => level === "warning")).toHaveLength(3);
  });
});
