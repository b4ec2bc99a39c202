import { Action, type ActionProcessor } from "actionhero";
import { isValidLogInToken } from "../logInTokens";

/** Logs a new connection in with the token of an earlier log-in: what a page does after a reconnect. */
export class ResumeLogIn extends Action {
  constructor() {
    super();
    this.name = "resumeLogIn";
    this.description =
      "Grants this connection the rooms whose names start with 'private:', with a token from logIn";
    this.inputs = { token: { required: true } };
    this.outputExample = { loggedIn: true };
  }

  async run({ connection, params }: ActionProcessor<ResumeLogIn>) {
    if (!isValidLogInToken(String(params.token)))
      throw new Error("log-in expired: log in again");
    connection.session!.mayJoinPrivateRooms = true;
    return { loggedIn: true };
  }
}
