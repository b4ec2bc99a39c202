import type { NodeReport } from "./nodeReport";

/** A node that answered, or a live node that did not answer in time. */
export type ClusterNode =
  | (NodeReport & { answered: true; self: boolean })
  | { nodeId: string; answered: false; error: string };

/** One room over the whole cluster. */
export interface ClusterRoom {
  room: string;
  /** Members on every node that answered. */
  members: number;
  messagesPerMinute: number;
  /** The nodes holding its members. */
  nodeIds: string[];
}

/** What the admin page shows of the cluster, read from every live node. */
export interface ClusterReport {
  /** When it was read (ms since the epoch). */
  at: number;
  nodes: ClusterNode[];
  rooms: ClusterRoom[];
  /** Why nodes or rooms may be missing (Redis could not be read). */
  problem?: string;
}

export interface ClusterReportParts {
  /** This node's own report, read locally. */
  self: () => NodeReport;
  /** The ids of the other live nodes (from Redis). */
  otherNodes: () => Promise<string[]>;
  /** Asks another node for its report. */
  ask: (nodeId: string) => Promise<NodeReport>;
  /** Every room's name (from Redis), so that rooms without members are listed too. */
  roomNames: () => Promise<string[]>;
}

/** Asks every live node for its report at once, and adds the rooms up over the nodes. */
export async function clusterReport(
  parts: ClusterReportParts,
): Promise<ClusterReport> {
  const self = parts.self();
  const nodes: ClusterNode[] = [{ ...self, answered: true, self: true }];
  const rooms = new Map<string, ClusterRoom>();
  let problem: string | undefined;
  try {
    const [others, names] = await Promise.all([
      parts.otherNodes(),
      parts.roomNames(),
    ]);
    for (const room of names) rooms.set(room, emptyRoom(room));
    const answers = await Promise.allSettled(others.map(parts.ask));
    answers.forEach((answer, position) =>
      nodes.push(
        answer.status === "fulfilled"
          ? { ...answer.value, answered: true, self: false }
          : {
              nodeId: others[position],
              answered: false,
              error: String((answer.reason as Error)?.message ?? answer.reason),
            },
      ),
    );
  } catch (error) {
    problem = `Redis could not be read, so only this node is shown: ${(error as Error).message ?? error}`;
  }
  for (const node of nodes) {
    if (!node.answered) continue;
    for (const { room, members, messagesPerMinute } of node.rooms) {
      // A room destroyed since its last messages is not listed; without Redis, what the nodes hold is.
      if (!problem && !rooms.has(room)) continue;
      const total = rooms.get(room) ?? emptyRoom(room);
      total.members += members;
      total.messagesPerMinute += messagesPerMinute;
      if (members > 0) total.nodeIds.push(node.nodeId);
      rooms.set(room, total);
    }
  }
  return {
    at: Date.now(),
    nodes,
    rooms: [...rooms.values()].sort(busiestFirst),
    ...(problem ? { problem } : {}),
  };
}

function emptyRoom(room: string): ClusterRoom {
  return { room, members: 0, messagesPerMinute: 0, nodeIds: [] };
}

function busiestFirst(a: ClusterRoom, b: ClusterRoom) {
  return (
    b.members - a.members ||
    b.messagesPerMinute - a.messagesPerMinute ||
    a.room.localeCompare(b.room)
  );
}
