import { Counter, Gauge, Histogram } from "prom-client";

/** How the node's chat reaches Redis: in memory, one server, a store and a pub/sub server apart, or a Cluster. */
export type RedisMode = "memory" | "single" | "split" | "cluster";

/** What the gauges read from the node when they are scraped. */
export interface ChatNodeGauges {
  /** Connections of this node that can chat, by server type (`socket`, `websocket`, `specHelper`). */
  connectionsByTransport(): Record<string, number>;
  /** Rooms this node holds members in. */
  rooms(): number;
  /** Memberships of this node's connections. */
  memberships(): number;
  /** Live nodes of the application, this one included. */
  liveNodes(): Promise<number>;
  available(): boolean;
  redisMode: RedisMode;
}

/** What the families read at scrape time: the node's gauges (once given) and the per-message counts. */
export interface ScrapedCounts {
  gauges(): ChatNodeGauges | undefined;
  /** Messages said, by the sender's transport. */
  readonly saidByTransport: ReadonlyMap<string, number>;
  deliveries(): number;
}

export const metricPrefix = "ah_chat_";

/** A gauge set from the node at each scrape; it keeps its last value when `read` has none. */
function nodeGauge(
  name: string,
  help: string,
  read: () => number | undefined | Promise<number | undefined>,
) {
  return new Gauge({
    name: metricPrefix + name,
    help,
    registers: [],
    async collect() {
      const value = await read();
      if (value !== undefined) this.set(value);
    },
  });
}

/** A gauge or counter with one label, set anew from `read` at each scrape. */
function labelledAtScrape<Label extends string>(
  Family: typeof Gauge<Label> | typeof Counter<Label>,
  name: string,
  help: string,
  label: Label,
  read: () => Iterable<[string, number]>,
) {
  return new Family({
    name: metricPrefix + name,
    help,
    labelNames: [label],
    registers: [],
    collect() {
      this.reset();
      for (const [value, count] of read())
        this.inc({ [label]: value } as Record<Label, string>, count);
    },
  });
}

function counter<Label extends string = never>(
  name: string,
  help: string,
  labelNames: Label[] = [],
) {
  return new Counter<Label>({
    name: metricPrefix + name,
    help,
    labelNames,
    registers: [],
  });
}

function histogram(name: string, help: string, buckets: number[]) {
  return new Histogram({
    name: metricPrefix + name,
    help,
    buckets,
    registers: [],
  });
}

/** Every `ah_chat_` family, in the order a scrape lists them. */
export function chatMetricFamilies(counts: ScrapedCounts) {
  const gauges = counts.gauges;
  return {
    connections: labelledAtScrape(
      Gauge<"transport">,
      "connections",
      "Connections of this node that can chat, by transport (socket, websocket, specHelper).",
      "transport",
      () => Object.entries(gauges()?.connectionsByTransport() ?? {}),
    ),
    rooms: nodeGauge(
      "rooms",
      "Rooms this node holds members in.",
      () => gauges()?.rooms() ?? 0,
    ),
    memberships: nodeGauge(
      "memberships",
      "Room memberships of this node's connections.",
      () => gauges()?.memberships() ?? 0,
    ),
    // While Redis is unreachable the nodes cannot be read: the last count stands.
    nodes: nodeGauge(
      "nodes",
      "Live nodes of the application that this node knows of, itself included.",
      async () =>
        (await gauges()
          ?.liveNodes()
          .catch(() => undefined)) ?? undefined,
    ),
    available: nodeGauge(
      "available",
      "1 while chat on this node is available, 0 during a Redis outage and the recovery after it.",
      () => (gauges()?.available() ? 1 : 0),
    ),
    redisInfo: labelledAtScrape(
      Gauge<"mode">,
      "redis_info",
      "How chat reaches Redis: mode is memory, single, split (store and pub/sub apart) or cluster. Always 1.",
      "mode",
      () => {
        const mode = gauges()?.redisMode;
        return mode ? [[mode, 1]] : [];
      },
    ),
    said: labelledAtScrape(
      Counter<"transport">,
      "messages_said_total",
      "Messages this node accepted and published, by the sender's transport (server: broadcast from server code).",
      "transport",
      () => counts.saidByTransport,
    ),
    deliveries: new Counter({
      name: `${metricPrefix}deliveries_total`,
      help: "Messages handed to this node's connections, one per receiving connection.",
      registers: [],
      collect() {
        this.reset();
        this.inc(counts.deliveries());
      },
    }),
    latency: histogram(
      "delivery_latency_seconds",
      "From the time a message carries (its sentAt) to its delivery to this node's members.",
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
    refusals: counter(
      "refusals_total",
      "Says and joins refused, by request (say, join) and error code (MIDDLEWARE_REFUSED: a middleware threw).",
      ["request", "code"],
    ),
    closed: counter(
      "connections_closed_total",
      "Connections the plugin closed, by reason: flood (went on saying past the rate limit), slow_reader (unsent output past maxWriteBuffer), node_write_budget (among those holding the most when the node's unsent output passed maxNodeWriteBuffer), frame_too_large (a websocket frame past maxLength).",
      ["reason"],
    ),
    dropped: counter(
      "messages_dropped_total",
      "Messages to a room dropped on this node: maxRoomQueue messages already waited for its say middleware.",
    ),
    outages: counter(
      "outages_total",
      "Times chat on this node became unavailable: a Redis connection lost, or a Cluster master replaced.",
    ),
    recoveries: counter(
      "recoveries_total",
      "Times chat on this node became available again after an outage (members written back, channels resubscribed).",
    ),
    outageDuration: histogram(
      "outage_duration_seconds",
      "How long chat on this node was unavailable, from the outage to the end of its recovery.",
      [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    ),
    recoveryDuration: histogram(
      "recovery_duration_seconds",
      "How long the recovery after an outage took, from Redis answering again to chat being available.",
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    reaped: counter(
      "members_reaped_total",
      "Members of dead nodes that this node removed.",
    ),
    presenceEvents: counter(
      "presence_events_total",
      "Presence events this node published, by event (join, leave).",
      ["event"],
    ),
    historyReads: counter(
      "history_reads_total",
      "Reads of a room's history (api.chatRoom.history).",
    ),
    historyRecoveries: counter(
      "history_recoveries_total",
      "Joins with since (roomAdd room since), by outcome: recovered (nothing missing) or gap.",
      ["outcome"],
    ),
  };
}

export type ChatMetricFamilies = ReturnType<typeof chatMetricFamilies>;
