import { api, Initializer, type Connection } from "actionhero";

/**
 * Members are known by the name they logged in with: it is stored with each member, and it is the
 * presence key, so two tabs of one person are one presence. A connection without a name is its own.
 */
export class MemberNames extends Initializer {
  constructor() {
    super();
    this.name = "memberNames";
  }

  async initialize() {
    const storedByDefault = api.chatRoom.generateMemberDetails;
    api.chatRoom.generateMemberDetails = async (connection) => {
      const name = (connection as unknown as Connection).session?.name;
      const details = await storedByDefault(connection);
      return typeof name === "string" ? { ...details, name } : details;
    };
    api.chatRoom.presenceKey = (details) =>
      typeof details.name === "string" ? details.name : details.id;
  }
}
