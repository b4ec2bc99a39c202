import { Action, type ActionProcessor } from "actionhero";
import { issueLogInToken } from "../logInTokens";

/**
 * The first half of an authenticated room: an action that records a permission on the connection.
 * Its token lets a page log in again after a reconnect (see resumeLogIn.ts).
 */
export class LogIn extends Action {
  constructor() {
    super();
    this.name = "logIn";
    this.description =
      "Grants this connection the rooms whose names start with 'private:'";
    this.inputs = { password: { required: true } };
    this.outputExample = { loggedIn: true, token: "1764000000000.c2lnbmVk" };
  }

  async run({ connection, params }: ActionProcessor<LogIn>) {
    if (params.password !== "secret") throw new Error("wrong password");
    connection.session!.mayJoinPrivateRooms = true;
    return { loggedIn: true, token: issueLogInToken() };
  }
}
