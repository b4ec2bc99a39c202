import { Action, api, type ActionProcessor } from "actionhero";

/** Who is in a room this connection is in, each person once: the page's member list on joining. */
export class RoomPresence extends Action {
  constructor() {
    super();
    this.name = "roomPresence";
    this.description = "Who is in a room this connection is in";
    this.inputs = { room: { required: true } };
    this.outputExample = { room: "lobby", count: 1, members: {} };
  }

  async run({ connection, params }: ActionProcessor<RoomPresence>) {
    if (!connection.rooms.includes(params.room))
      throw new Error(`join room "${params.room}" to see who is in it`);
    return api.chatRoom.presence(params.room);
  }
}
