import type { LocalRoomIndex } from "../localRoomIndex";
import type { RoomTraffic } from "./roomTraffic";

/** One room as one node sees it. */
export interface NodeRoom {
  room: string;
  /** This node's connections in the room. */
  members: number;
  /** Messages this node published to the room in the last minute. */
  messagesPerMinute: number;
}

/** What one node tells the admin page of itself. */
export interface NodeReport {
  /** The node process's identity in Redis (new at every start). */
  nodeId: string;
  /** Actionhero's `id` of the node. */
  serverId: string;
  /** The node's connections that can chat, by server type (`websocket`, `socket`). */
  connections: Record<string, number>;
  /** Its connections' memberships of rooms, all rooms together. */
  memberships: number;
  rooms: NodeRoom[];
  /** When it last refreshed its liveness in Redis (ms since the epoch); null before the first time. */
  livenessRefreshedAt: number | null;
  /** Whether chat answers on it; `unavailableReason` says why not. */
  available: boolean;
  unavailableReason?: string;
}

export interface NodeReportParts {
  nodeId: string;
  serverId: string;
  index: LocalRoomIndex;
  traffic: RoomTraffic;
  connections: () => Record<string, number>;
  livenessRefreshedAt: number | null;
  unavailableReason: string | null;
}

/** The report of the node these parts belong to. */
export function reportNode(parts: NodeReportParts): NodeReport {
  const perMinute = parts.traffic.perMinute();
  const rooms: NodeRoom[] = [];
  let memberships = 0;
  for (const room of parts.index.roomNames()) {
    const members = parts.index.members(room)?.size ?? 0;
    memberships += members;
    rooms.push({ room, members, messagesPerMinute: perMinute.get(room) ?? 0 });
    perMinute.delete(room);
  }
  // Rooms this node publishes to without holding members in them (server broadcasts).
  for (const [room, messagesPerMinute] of perMinute)
    rooms.push({ room, members: 0, messagesPerMinute });
  return {
    nodeId: parts.nodeId,
    serverId: parts.serverId,
    connections: parts.connections(),
    memberships,
    rooms,
    livenessRefreshedAt: parts.livenessRefreshedAt,
    available: parts.unavailableReason === null,
    ...(parts.unavailableReason === null
      ? {}
      : { unavailableReason: parts.unavailableReason }),
  };
}
