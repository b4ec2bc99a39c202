import { Counter, Gauge, Histogram, Registry, type Metric } from "prom-client";
import type {
  ChatObserver,
  ClosedReason,
  RefusedRequest,
} from "./chatObserver";

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

const prefix = "ah_chat_";

/**
 * The chat's Prometheus metrics, in the application's prom-client registry or one of chat's own. The
 * counters that move with every message are plain numbers read at scrape time, so counting costs a
 * delivery an increment.
 */
export class ChatMetrics implements ChatObserver {
  readonly registry: Registry;
  private gauges?: ChatNodeGauges;
  private deliveries = 0;
  private readonly saidByTransport = new Map<string, number>();
  private readonly latency: Histogram;
  private readonly refusals: Counter<"request" | "code">;
  private readonly closed: Counter<"reason">;
  private readonly dropped: Counter;
  private readonly outages: Counter;
  private readonly recoveries: Counter;
  private readonly outageDuration: Histogram;
  private readonly recoveryDuration: Histogram;
  private readonly reaped: Counter;
  private readonly presenceEvents: Counter<"event">;
  private readonly historyReads: Counter;
  private readonly historyRecoveries: Counter<"outcome">;

  /** `registry`: the application's own, so that its metrics and chat's are scraped together. */
  constructor(registry?: Registry) {
    this.registry = registry ?? new Registry();
    const metrics = this;
    this.add(
      new Gauge({
        name: `${prefix}connections`,
        help: "Connections of this node that can chat, by transport (socket, websocket, specHelper).",
        labelNames: ["transport"],
        registers: [],
        collect() {
          this.reset();
          const counts = metrics.gauges?.connectionsByTransport() ?? {};
          for (const [transport, count] of Object.entries(counts))
            this.set({ transport }, count);
        },
      }),
    );
    this.add(
      new Gauge({
        name: `${prefix}rooms`,
        help: "Rooms this node holds members in.",
        registers: [],
        collect() {
          this.set(metrics.gauges?.rooms() ?? 0);
        },
      }),
    );
    this.add(
      new Gauge({
        name: `${prefix}memberships`,
        help: "Room memberships of this node's connections.",
        registers: [],
        collect() {
          this.set(metrics.gauges?.memberships() ?? 0);
        },
      }),
    );
    this.add(
      new Gauge({
        name: `${prefix}nodes`,
        help: "Live nodes of the application that this node knows of, itself included.",
        registers: [],
        async collect() {
          if (!metrics.gauges) return;
          // While Redis is unreachable the nodes cannot be read: the last count stands.
          const live = await metrics.gauges.liveNodes().catch(() => null);
          if (live !== null) this.set(live);
        },
      }),
    );
    this.add(
      new Gauge({
        name: `${prefix}available`,
        help: "1 while chat on this node is available, 0 during a Redis outage and the recovery after it.",
        registers: [],
        collect() {
          this.set(metrics.gauges?.available() ? 1 : 0);
        },
      }),
    );
    this.add(
      new Gauge({
        name: `${prefix}redis_info`,
        help: "How chat reaches Redis: mode is memory, single, split (store and pub/sub apart) or cluster. Always 1.",
        labelNames: ["mode"],
        registers: [],
        collect() {
          this.reset();
          if (metrics.gauges) this.set({ mode: metrics.gauges.redisMode }, 1);
        },
      }),
    );
    this.add(
      new Counter({
        name: `${prefix}messages_said_total`,
        help: "Messages this node accepted and published, by the sender's transport (server: broadcast from server code).",
        labelNames: ["transport"],
        registers: [],
        collect() {
          this.reset();
          for (const [transport, count] of metrics.saidByTransport)
            this.inc({ transport }, count);
        },
      }),
    );
    this.add(
      new Counter({
        name: `${prefix}deliveries_total`,
        help: "Messages handed to this node's connections, one per receiving connection.",
        registers: [],
        collect() {
          this.reset();
          this.inc(metrics.deliveries);
        },
      }),
    );
    this.latency = this.add(
      new Histogram({
        name: `${prefix}delivery_latency_seconds`,
        help: "From the time a message carries (its sentAt) to its delivery to this node's members.",
        buckets: [
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
          2.5,
        ],
        registers: [],
      }),
    );
    this.refusals = this.add(
      new Counter({
        name: `${prefix}refusals_total`,
        help: "Says and joins refused, by request (say, join) and error code (MIDDLEWARE_REFUSED: a middleware threw).",
        labelNames: ["request", "code"],
        registers: [],
      }),
    );
    this.closed = this.add(
      new Counter({
        name: `${prefix}connections_closed_total`,
        help: "Connections the plugin closed, by reason: flood (went on saying past the rate limit), slow_reader (unsent output past maxWriteBuffer).",
        labelNames: ["reason"],
        registers: [],
      }),
    );
    this.dropped = this.add(
      new Counter({
        name: `${prefix}messages_dropped_total`,
        help: "Messages to a room dropped on this node: maxRoomQueue messages already waited for its say middleware.",
        registers: [],
      }),
    );
    this.outages = this.add(
      new Counter({
        name: `${prefix}outages_total`,
        help: "Times chat on this node became unavailable: a Redis connection lost, or a Cluster master replaced.",
        registers: [],
      }),
    );
    this.recoveries = this.add(
      new Counter({
        name: `${prefix}recoveries_total`,
        help: "Times chat on this node became available again after an outage (members written back, channels resubscribed).",
        registers: [],
      }),
    );
    this.outageDuration = this.add(
      new Histogram({
        name: `${prefix}outage_duration_seconds`,
        help: "How long chat on this node was unavailable, from the outage to the end of its recovery.",
        buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
        registers: [],
      }),
    );
    this.recoveryDuration = this.add(
      new Histogram({
        name: `${prefix}recovery_duration_seconds`,
        help: "How long the recovery after an outage took, from Redis answering again to chat being available.",
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [],
      }),
    );
    this.reaped = this.add(
      new Counter({
        name: `${prefix}members_reaped_total`,
        help: "Members of dead nodes that this node removed.",
        registers: [],
      }),
    );
    this.presenceEvents = this.add(
      new Counter({
        name: `${prefix}presence_events_total`,
        help: "Presence events this node published, by event (join, leave).",
        labelNames: ["event"],
        registers: [],
      }),
    );
    this.historyReads = this.add(
      new Counter({
        name: `${prefix}history_reads_total`,
        help: "Reads of a room's history (api.chatRoom.history).",
        registers: [],
      }),
    );
    this.historyRecoveries = this.add(
      new Counter({
        name: `${prefix}history_recoveries_total`,
        help: "Joins with since (roomAdd room since), by outcome: recovered (nothing missing) or gap.",
        labelNames: ["outcome"],
        registers: [],
      }),
    );
  }

  /** Where the gauges read the node from; until it is given, they read 0. */
  readFrom(gauges: ChatNodeGauges) {
    this.gauges = gauges;
  }

  /** The metrics in Prometheus' text format, with the whole registry's (the application's too, if it is theirs). */
  text() {
    return this.registry.metrics();
  }

  get contentType() {
    return this.registry.contentType;
  }

  /** Takes chat's metrics out of the registry, so that a chat started again can register them anew. */
  unregister() {
    for (const { name } of this.registry.getMetricsAsArray())
      if (name.startsWith(prefix)) this.registry.removeSingleMetric(name);
  }

  said(transport: string) {
    this.saidByTransport.set(
      transport,
      (this.saidByTransport.get(transport) ?? 0) + 1,
    );
  }

  delivered() {
    this.deliveries++;
  }

  deliveryLatency(seconds: number) {
    this.latency.observe(seconds);
  }

  refused(request: RefusedRequest, code: string) {
    this.refusals.inc({ request, code });
  }

  connectionClosed(reason: ClosedReason) {
    this.closed.inc({ reason });
  }

  messageDropped() {
    this.dropped.inc();
  }

  outageStarted() {
    this.outages.inc();
  }

  recovered(outageSeconds: number, recoverySeconds: number) {
    this.recoveries.inc();
    this.outageDuration.observe(outageSeconds);
    this.recoveryDuration.observe(recoverySeconds);
  }

  membersReaped(count: number) {
    this.reaped.inc(count);
  }

  presenceEvent(event: "join" | "leave") {
    this.presenceEvents.inc({ event });
  }

  historyRead() {
    this.historyReads.inc();
  }

  historyRecovery(recovered: boolean) {
    this.historyRecoveries.inc({ outcome: recovered ? "recovered" : "gap" });
  }

  private add<M extends Metric>(metric: M): M {
    this.registry.registerMetric(metric);
    return metric;
  }
}
