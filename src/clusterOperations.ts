import { clusterReport, type ClusterReport } from "./admin/clusterReport";
import { reportNode, type NodeReport } from "./admin/nodeReport";
import type { RoomTraffic } from "./admin/roomTraffic";
import type { ChatAvailability } from "./availability";
import { notForThisNode } from "./controlChannel";
import type { ChatControl } from "./controlProtocol";
import { chatErrors } from "./errors";
import type { LocalRoomIndex } from "./localRoomIndex";
import type { Membership } from "./membership";
import type { NodeLiveness } from "./nodeLiveness";
import type { NodeSupervisor } from "./nodeSupervisor";
import type { Reaper } from "./reaper";
import type { RoomDelivery } from "./roomDelivery";
import type { RoomHistory } from "./roomHistory";
import type { RoomStore } from "./roomStore";
import type { ChatConnection, ChatLogger, ConnectionDirectory } from "./types";

export interface ClusterOperationsParts {
  nodeId: string;
  serverId: string;
  connections: ConnectionDirectory;
  index: LocalRoomIndex;
  traffic: RoomTraffic;
  membership: Membership;
  delivery: RoomDelivery;
  store: RoomStore;
  history: RoomHistory;
  liveness: NodeLiveness;
  availability: ChatAvailability;
  control: ChatControl;
  reaper: Reaper;
  supervisor: NodeSupervisor;
  log: ChatLogger;
}

/**
 * What one node does on the others: the operations on a member or room that may be held by any node
 * (the node holding it acts, asked over the control channel), and the answers this node gives them.
 */
export class ClusterOperations {
  constructor(private readonly parts: ClusterOperationsParts) {}

  /** Asks every live node; the one holding the connection adds it. None holding it is an error at once. */
  async addMember(connectionId: string, room: string) {
    const { connections, membership, availability, liveness, control } =
      this.parts;
    const local = connections.get(connectionId);
    if (local) return membership.join(local, room);
    availability.assertAvailable();
    const { alive } = await liveness.otherNodes();
    const added = await control.askAll(
      [...alive.keys()],
      "addMember",
      { connectionId, room },
      () => chatErrors.connectionNotFound(connectionId),
    );
    if (added === notForThisNode)
      throw chatErrors.connectionNotFound(connectionId);
    return added;
  }

  /** Asks the node that holds the member; a member whose node is dead is reaped here. */
  async removeMember(connectionId: string, room: string) {
    const { connections, availability, store, liveness, control } = this.parts;
    const local = connections.get(connectionId);
    if (local) return this.removeLocalMember(local, room);
    availability.assertAvailable();
    const holder = await store.holderOf(room, connectionId);
    if (holder === null) return false;
    if (holder !== this.parts.nodeId && (await liveness.isAlive(holder))) {
      const removed = await control.ask(
        holder,
        "removeMember",
        { connectionId, room },
        () => chatErrors.nodeSilent(holder),
      );
      if (removed !== notForThisNode) return removed;
    }
    // No live node holds the connection: what is stored is a ghost, so it is reaped here.
    this.parts.log(
      `reaping member "${connectionId}" of room "${room}": node "${holder}" does not hold it`,
      "notice",
    );
    return (
      (await this.parts.reaper.reapMembers(room, holder, [connectionId])) > 0
    );
  }

  /** Resolves once every node that held members of the room has dropped them (or is dead, or silent past rpcTimeout). */
  async destroy(room: string) {
    const { availability, store, history } = this.parts;
    const { generation, membersByNode } = await availability.guard(() =>
      store.destroy(room),
    );
    if (generation === null && membersByNode.size === 0)
      throw chatErrors.roomNotFound(room);
    if (history.enabled) await availability.guard(() => history.clear(room));
    await Promise.all(
      [...membersByNode].map(([nodeId, memberIds]) =>
        this.dropDestroyedOn(nodeId, room, memberIds, generation ?? undefined),
      ),
    );
  }

  /** What this node reports of itself to the admin page. */
  nodeReport(): NodeReport {
    const { nodeId, serverId, index, traffic, connections, liveness } =
      this.parts;
    return reportNode({
      nodeId,
      serverId,
      index,
      traffic,
      connections: () => connections.countByType?.() ?? {},
      livenessRefreshedAt: liveness.refreshedAt,
      unavailableReason: this.parts.availability.unavailableReason(),
    });
  }

  /** Every live node's report (this one's read locally), and the rooms added up over them. */
  clusterReport(): Promise<ClusterReport> {
    const { liveness, control, store } = this.parts;
    return clusterReport({
      self: () => this.nodeReport(),
      otherNodes: async () => [...(await liveness.otherNodes()).alive.keys()],
      ask: async (nodeId) => {
        const report = await control.ask(nodeId, "adminReport", {}, () =>
          chatErrors.nodeSilent(nodeId),
        );
        if (report === notForThisNode) throw chatErrors.nodeSilent(nodeId);
        return report;
      },
      roomNames: () => store.list(),
    });
  }

  /** Answers the other nodes' requests and notifications. */
  listen() {
    const { control, connections, membership, supervisor } = this.parts;
    control.on("addMember", ({ connectionId, room }) => {
      const connection = connections.get(connectionId);
      return connection ? membership.join(connection, room) : notForThisNode;
    });
    control.on("removeMember", ({ connectionId, room }) => {
      const connection = connections.get(connectionId);
      return connection
        ? this.removeLocalMember(connection, room)
        : notForThisNode;
    });
    control.on("dropDestroyed", ({ room, memberIds, generation }) =>
      membership.dropDestroyed(room, memberIds, generation),
    );
    control.on("adminReport", () => this.nodeReport());
    control.on("nodeReady", ({ redisRunIds }, from) =>
      supervisor.peerReady(from, redisRunIds),
    );
  }

  /** Has the node `nodeId` drop a destroyed room's members; a node that does not confirm is logged. */
  private async dropDestroyedOn(
    nodeId: string,
    room: string,
    memberIds: string[],
    generation: string | undefined,
  ) {
    const { membership, liveness, control, log } = this.parts;
    if (nodeId === this.parts.nodeId)
      return membership.dropDestroyed(room, memberIds, generation);
    if (!(await liveness.isAlive(nodeId))) return;
    try {
      await control.ask(
        nodeId,
        "dropDestroyed",
        {
          room,
          memberIds,
          ...(generation === undefined ? {} : { generation }),
        },
        () => chatErrors.nodeSilent(nodeId),
      );
    } catch (error) {
      log(
        `room "${room}" was destroyed, but node "${nodeId}" did not confirm dropping its members`,
        "warning",
        { error: String(error) },
      );
    }
  }

  /** `removeMember` of a connection of this node: the member is told the server took it out. */
  private async removeLocalMember(connection: ChatConnection, room: string) {
    const removed = await this.parts.membership.leave(connection, room);
    if (removed)
      this.parts.delivery.tellRemoved(connection, "memberRemoved", room);
    return removed;
  }
}
