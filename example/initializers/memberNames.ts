import { api, Initializer, type Connection } from "actionhero";
import type { MockConnection } from "../../index";

/** The name set on a connection (a mock sender of server code has none). */
const nameOf = (connection: Connection | MockConnection) => {
  const name = "session" in connection ? connection.session?.name : undefined;
  return typeof name === "string" ? name : undefined;
};

/**
 * Members are known by the name their connection was given (actions/setName.ts): it is stored with
 * each member, shown with them, and it is their presence key, so two tabs of one person are one
 * presence; their messages carry it as `name`. A connection without a name is known by its id.
 */
export class MemberNames extends Initializer {
  constructor() {
    super();
    this.name = "memberNames";
  }

  async initialize() {
    const storedByDefault = api.chatRoom.generateMemberDetails;
    api.chatRoom.generateMemberDetails = async (connection) => {
      const name = nameOf(connection);
      const details = await storedByDefault(connection);
      return name === undefined ? details : { ...details, name };
    };
    const shownByDefault = api.chatRoom.sanitizeMemberDetails;
    api.chatRoom.sanitizeMemberDetails = async (details) => {
      const shown = await shownByDefault(details);
      return typeof details.name === "string"
        ? { ...shown, name: details.name }
        : shown;
    };
    api.chatRoom.presenceKey = (details) =>
      typeof details.name === "string" ? details.name : details.id;
    api.chatRoom.addMiddleware({
      name: "sender names",
      onSayReceive: (connection, room, payload) => {
        const name = nameOf(connection);
        return name === undefined ? payload : { ...payload, name };
      },
    });
  }
}
