import { Registry } from "prom-client";
import {
  chatMetricFamilies,
  metricPrefix,
  type ChatMetricFamilies,
  type ChatNodeGauges,
} from "./chatMetricFamilies";
import type {
  ChatObserver,
  ClosedReason,
  RefusedRequest,
} from "./chatObserver";

export type { ChatNodeGauges, RedisMode } from "./chatMetricFamilies";

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
  private readonly families: ChatMetricFamilies;

  /** `registry`: the application's own, so that its metrics and chat's are scraped together. */
  constructor(registry?: Registry) {
    this.registry = registry ?? new Registry();
    this.families = chatMetricFamilies({
      gauges: () => this.gauges,
      saidByTransport: this.saidByTransport,
      deliveries: () => this.deliveries,
    });
    for (const family of Object.values(this.families))
      this.registry.registerMetric(family);
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
      if (name.startsWith(metricPrefix)) this.registry.removeSingleMetric(name);
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
    this.families.latency.observe(seconds);
  }

  refused(request: RefusedRequest, code: string) {
    this.families.refusals.inc({ request, code });
  }

  connectionClosed(reason: ClosedReason) {
    this.families.closed.inc({ reason });
  }

  messageDropped() {
    this.families.dropped.inc();
  }

  outageStarted() {
    this.families.outages.inc();
  }

  recovered(outageSeconds: number, recoverySeconds: number) {
    this.families.recoveries.inc();
    this.families.outageDuration.observe(outageSeconds);
    this.families.recoveryDuration.observe(recoverySeconds);
  }

  membersReaped(count: number) {
    this.families.reaped.inc(count);
  }

  presenceEvent(event: "join" | "leave") {
    this.families.presenceEvents.inc({ event });
  }

  historyRead() {
    this.families.historyReads.inc();
  }

  historyRecovery(recovered: boolean) {
    this.families.historyRecoveries.inc({
      outcome: recovered ? "recovered" : "gap",
    });
  }
}
