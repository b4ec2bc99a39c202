import { Action, type ActionProcessor } from "actionhero";

/** The first half of an authenticated room: an action that records a permission on the connection. */
export class LogIn extends Action {
  constructor() {
    super();
    this.name = "logIn";
    this.description =
      "Grants this connection the rooms whose names start with 'private:'";
    this.inputs = { password: { required: true } };
    this.outputExample = { loggedIn: true };
  }

  async run({ connection, params }: ActionProcessor<LogIn>) {
    if (params.password !== "secret") throw new Error("wrong password");
    connection.session!.mayJoinPrivateRooms = true;
    return { loggedIn: true };
  }
}
