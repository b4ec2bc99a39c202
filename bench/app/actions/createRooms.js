// Creates the benchmark's rooms, "room-0" to "room-<count - 1>".
const { Action, api } = require("actionhero");

exports.CreateRooms = class CreateRooms extends Action {
  constructor() {
    super();
    this.name = "createRooms";
    this.description = "creates the rooms room-0 … room-<count - 1>";
    this.inputs = { count: { required: true } };
    this.outputExample = { created: 200 };
  }

  async run({ params }) {
    const count = Number(params.count);
    for (let room = 0; room < count; room++)
      await api.chatRoom.add(`room-${room}`);
    return { created: count };
  }
};
