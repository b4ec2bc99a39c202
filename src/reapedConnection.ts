import type { MemberDetails, ReapedConnection } from "./types";

/**
 * The stand-in for the connection of a member reaped from a node that died. Only what was stored
 * outlives the node, so its `session` and `params` are those that `generateMemberDetails` stored
 * under these keys, if it did.
 */
export function reapedConnection(
  memberDetails: MemberDetails,
): ReapedConnection {
  return {
    id: memberDetails.id,
    rooms: [],
    canChat: false,
    destroyed: true,
    reaped: true,
    memberDetails,
    session: storedRecord(memberDetails.session),
    params: storedRecord(memberDetails.params),
    sendMessage: () => undefined,
  };
}

function storedRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
