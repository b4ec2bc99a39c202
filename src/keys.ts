/**
 * Names of every Redis key and pub/sub channel the chat uses, all under one prefix. A room's keys and
 * its channel share the `{room}` hash tag, so every script touches one hash slot (Redis Cluster).
 */
export class ChatKeys {
  /** A set of the room names, for `list` (an index, kept beside each room's own key). */
  readonly roomsIndex: string;
  /** A set of the ids of the nodes that have registered. */
  readonly nodes: string;
  /** The channel of requests and notifications to every node. */
  readonly controlChannel: string;

  constructor(private readonly prefix: string) {
    this.roomsIndex = `${prefix}rooms`;
    this.nodes = `${prefix}nodes`;
    this.controlChannel = `${prefix}control`;
  }

  /** The room's existence: a string holding the room's generation. */
  room(room: string) {
    return `${this.prefix}{${room}}:room`;
  }

  /** The hash of one room's members: connection id to JSON member details. */
  members(room: string) {
    return `${this.prefix}{${room}}:members`;
  }

  /** The hash of which node holds each member of the room: connection id to node id. */
  holders(room: string) {
    return `${this.prefix}{${room}}:holders`;
  }

  /** The hash of the room's presence: presence key to its number of connections in the room. */
  presence(room: string) {
    return `${this.prefix}{${room}}:presence`;
  }

  /** The hash of each member's presence key: connection id to presence key. */
  presenceKeys(room: string) {
    return `${this.prefix}{${room}}:presenceKeys`;
  }

  /** The room's history: a stream of its last messages (on the Redis that carries messages). */
  history(room: string) {
    return `${this.prefix}{${room}}:history`;
  }

  /** The epoch and last sequence number of the room's history. */
  historyState(room: string) {
    return `${this.prefix}{${room}}:historyState`;
  }

  roomChannel(room: string) {
    return `${this.prefix}{${room}}:messages`;
  }

  /** The room a room channel carries, or null for any other channel. */
  roomOfChannel(channel: string): string | null {
    const start = `${this.prefix}{`;
    const end = "}:messages";
    return channel.startsWith(start) && channel.endsWith(end)
      ? channel.slice(start.length, channel.length - end.length)
      : null;
  }

  /** A node's liveness: it expires `nodeTimeout` after the node's last refresh. */
  node(nodeId: string) {
    return `${this.prefix}node:${nodeId}`;
  }

  /** The rooms a node may hold members in (a superset), so its members can be found when it dies. */
  nodeRooms(nodeId: string) {
    return `${this.prefix}node:${nodeId}:rooms`;
  }

  /** Held by the one survivor reaping a dead node. */
  nodeReaper(nodeId: string) {
    return `${this.prefix}node:${nodeId}:reaper`;
  }

  /** The channel of requests and replies to one node. */
  nodeInbox(nodeId: string) {
    return `${this.prefix}node:${nodeId}:inbox`;
  }
}
