import { Action, type ActionProcessor } from "actionhero";

const maxNameLength = 32;

/** Names this connection: the name its messages carry and its members are known by (see initializers/memberNames.ts). */
export class SetName extends Action {
  constructor() {
    super();
    this.name = "setName";
    this.description =
      "Names this connection, for the rooms it joins from now on and the messages it says";
    this.inputs = { name: { required: true } };
    this.outputExample = { name: "Alice" };
  }

  async run({ connection, params }: ActionProcessor<SetName>) {
    const name = String(params.name).trim();
    if (name.length === 0 || name.length > maxNameLength)
      throw new Error(`a name has 1 to ${maxNameLength} characters`);
    connection.session!.name = name;
    return { name };
  }
}
