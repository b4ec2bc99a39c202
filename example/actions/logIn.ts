import { Action, type ActionProcessor } from "actionhero";

/**
 * The first half of an authenticated room: an action that records a permission on the connection,
 * and the name the connection's members are known by (see initializers/memberNames.ts).
 */
export class LogIn extends Action {
  constructor() {
    super();
    this.name = "logIn";
    this.description =
      "Grants this connection the rooms whose names start with 'private:', and names it";
    this.inputs = { password: { required: true }, name: { required: false } };
    this.outputExample = { loggedIn: true, name: "Alice" };
  }

  async run({ connection, params }: ActionProcessor<LogIn>) {
    if (params.password !== "secret") throw new Error("wrong password");
    connection.session!.mayJoinPrivateRooms = true;
    if (typeof params.name === "string" && params.name.trim() !== "")
      connection.session!.name = params.name.trim();
    return { loggedIn: true, name: connection.session!.name };
  }
}
