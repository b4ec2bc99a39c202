import { Action, api, type ActionProcessor } from "actionhero";

/** A room's recent messages, for a member of it: what the page shows on joining. */
export class RoomHistory extends Action {
  constructor() {
    super();
    this.name = "roomHistory";
    this.description = "The last messages of a room this connection is in";
    this.inputs = { room: { required: true } };
    this.outputExample = { messages: [], complete: true };
  }

  async run({ connection, params }: ActionProcessor<RoomHistory>) {
    if (!connection.rooms.includes(params.room))
      throw new Error(`join room "${params.room}" to see its messages`);
    return api.chatRoom.history(params.room, { limit: 20 });
  }
}
