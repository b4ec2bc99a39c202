import type { MemberDetails } from "../types";

/** A member as the admin page shows it: everything stored of it, and the node holding its connection. */
export interface AdminRoomMember {
  id: string;
  /** The node process holding the connection; null if Redis has no record of it. */
  nodeId: string | null;
  /** What `generateMemberDetails` stored when it joined. */
  details: MemberDetails;
}

export interface AdminRoomMembers {
  room: string;
  membersCount: number;
  members: AdminRoomMember[];
}

/** A room's stored members (id to JSON details) and holders, as the admin page shows them, oldest first. */
export function adminRoomMembers(
  room: string,
  stored: Record<string, string>,
  holders: Record<string, string>,
): AdminRoomMembers {
  const members = Object.entries(stored).map(([id, json]) => ({
    id,
    nodeId: holders[id] ?? null,
    details: { ...(JSON.parse(json) as MemberDetails), id },
  }));
  members.sort((a, b) => (a.details.joinedAt ?? 0) - (b.details.joinedAt ?? 0));
  return { room, membersCount: members.length, members };
}
