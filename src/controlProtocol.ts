import type { NodeReport } from "./admin/nodeReport";
import type { ControlChannel } from "./controlChannel";

/** A connection of whichever node holds it, and a room. */
interface MemberOfRoom {
  connectionId: string;
  room: string;
}

/**
 * Every message the nodes of one application send each other, by type: the body each carries and
 * what the node it is for answers (`void`: a notification, or a request answered only once done).
 */
export interface ChatControlProtocol {
  /** `addMember` of a connection this node may hold: true if added, false if already a member. */
  addMember: { body: MemberOfRoom; reply: boolean };
  /** `removeMember` of a connection this node may hold: true if removed, false if not a member. */
  removeMember: { body: MemberOfRoom; reply: boolean };
  /** A room was destroyed: drop and tell these members of it, of its life `generation` (any, without it). */
  dropDestroyed: {
    body: { room: string; memberIds: string[]; generation?: string };
    reply: void;
  };
  /** What the node reports of itself to the admin page. */
  adminReport: { body: Record<string, never>; reply: NodeReport };
  /** Notification: the sender has started, or recovered, on the Redis servers of these run ids. */
  nodeReady: { body: { redisRunIds: string }; reply: void };
}

/** The control channel between the nodes of one application. */
export type ChatControl = ControlChannel<ChatControlProtocol>;
