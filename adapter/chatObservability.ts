import { api } from "actionhero";
import type { ChatEngine } from "../src/chatEngine";
import type { ChatConfig } from "../src/config";
import { ChatMetrics, type RedisMode } from "../src/observability/chatMetrics";
import { sendJson, type ChatHttpRoute } from "./chatHttp";

/** What `GET /api/chat/health` answers. */
export interface ChatHealth {
  available: boolean;
  /** This node process's identity in Redis (new at every start). */
  nodeId: string;
  redis: { mode: RedisMode };
  /** Live nodes, this one included; null while Redis cannot be read. */
  nodes: number | null;
  /** Why chat is unavailable; only while it is. */
  reason?: string;
}

/** The metrics of a node's chat, unless `config.chat.metrics` turns them off. */
export function chatMetrics(chatConfig: ChatConfig): ChatMetrics | undefined {
  const { enabled, registry } = chatConfig.metrics;
  return enabled ? new ChatMetrics(registry) : undefined;
}

/** Points the metrics' gauges at the running node. */
export function measureNode(
  metrics: ChatMetrics,
  engine: ChatEngine,
  mode: RedisMode,
) {
  metrics.readFrom({
    connectionsByTransport,
    rooms: () => engine.localMembership().rooms,
    memberships: () => engine.localMembership().memberships,
    liveNodes: () => engine.liveNodeCount(),
    available: () => engine.available,
    redisMode: mode,
  });
}

/** This node's connections that can chat, by server type (web requests cannot). */
export function connectionsByTransport() {
  const counts: Record<string, number> = {};
  for (const connection of Object.values(api.connections.connections))
    if (connection.canChat)
      counts[connection.type] = (counts[connection.type] ?? 0) + 1;
  return counts;
}

/** The state of chat on this node, for load balancers and readiness probes. */
export async function chatHealth(
  engine: ChatEngine,
  mode: RedisMode,
): Promise<ChatHealth> {
  const reason = engine.unavailableReason();
  const nodes = reason ? null : await engine.liveNodeCount().catch(() => null);
  return {
    available: reason === null,
    nodeId: engine.nodeId,
    redis: { mode },
    nodes,
    ...(reason === null ? {} : { reason }),
  };
}

/** `GET` of the metrics (when on) and of the health, on actionhero's web server. */
export function observabilityRoutes(
  chatConfig: ChatConfig,
  engine: ChatEngine,
  mode: RedisMode,
  metrics: ChatMetrics | undefined,
): ChatHttpRoute[] {
  const routes: ChatHttpRoute[] = [
    {
      path: chatConfig.health.path,
      handle: async (request, response) => {
        if (refuseUnlessGet(request.method, response)) return;
        const health = await chatHealth(engine, mode);
        sendJson(response, health.available ? 200 : 503, health);
      },
    },
  ];
  if (metrics)
    routes.push({
      path: chatConfig.metrics.path,
      handle: async (request, response) => {
        if (refuseUnlessGet(request.method, response)) return;
        const text = await metrics.text();
        response.writeHead(200, {
          "content-type": metrics.contentType,
          "cache-control": "no-store",
        });
        response.end(text);
      },
    });
  return routes;
}

function refuseUnlessGet(
  method: string | undefined,
  response: Parameters<ChatHttpRoute["handle"]>[1],
) {
  if (method === "GET" || method === "HEAD") return false;
  response.writeHead(405, { allow: "GET, HEAD" });
  response.end();
  return true;
}
