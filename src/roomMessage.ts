import type { MessagePayload } from "./types";

/**
 * One message on its way to a node's members. It holds the JSON that came over pub/sub and parses it
 * at most once, so however many members receive it, it is serialized and parsed once per node.
 */
export class RoomMessage {
  private jsonText?: string;
  private parsed?: MessagePayload;

  private constructor(json?: string, payload?: MessagePayload) {
    this.jsonText = json;
    this.parsed = payload;
  }

  static fromJson(json: string) {
    return new RoomMessage(json, undefined);
  }

  static fromPayload(payload: MessagePayload) {
    return new RoomMessage(undefined, payload);
  }

  get json(): string {
    return (this.jsonText ??= JSON.stringify(this.parsed));
  }

  get payload(): MessagePayload {
    return (this.parsed ??= JSON.parse(
      this.jsonText as string,
    ) as MessagePayload);
  }
}

/** Hands one message to one connection; a server may write `message.json` as it is. */
export type DeliverMessage = (
  connection: import("./types").ChatConnection,
  message: RoomMessage,
) => unknown;

export const sendPayload: DeliverMessage = (connection, message) =>
  connection.sendMessage(message.payload, "say");
