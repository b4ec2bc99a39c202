import { Action, api, type ActionProcessor } from "actionhero";

/** Lets a client open a new room: `api.chatRoom.add` answers 1 if it is new, 0 if it existed. */
export class CreateRoom extends Action {
  constructor() {
    super();
    this.name = "createRoom";
    this.description = "Creates a chat room";
    this.inputs = { room: { required: true } };
    this.outputExample = { created: true };
  }

  async run({ params }: ActionProcessor<CreateRoom>) {
    return { created: (await api.chatRoom.add(params.room)) === 1 };
  }
}
