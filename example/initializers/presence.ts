import { api, Initializer } from "actionhero";

/** Tells a room's members who joins and leaves, so the page keeps its member lists current. */
export class Presence extends Initializer {
  constructor() {
    super();
    this.name = "presence";
  }

  async initialize() {
    api.chatRoom.addMiddleware({
      name: "presence",
      join: (connection, room) =>
        api.chatRoom.broadcast({}, room, {
          presence: "joined",
          id: connection.id,
        }),
      leave: (connection, room) =>
        api.chatRoom.broadcast({}, room, {
          presence: "left",
          id: connection.id,
        }),
    });
  }
}
