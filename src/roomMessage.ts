import type { MessagePayload } from "./types";

const sentAtKey = '"sentAt":';
const idKey = '"id":"';

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

  /**
   * The time the message carries (`sentAt`, ms), if it carries one, for the delivery latency. Read from
   * the JSON's last `"sentAt":` when the message is not parsed: the payload's own key comes after the
   * message in the default payload, so a message that holds a `sentAt` of its own is not mistaken for it.
   */
  get sentAt(): number | undefined {
    if (this.parsed) {
      const { sentAt } = this.parsed;
      return typeof sentAt === "number" ? sentAt : undefined;
    }
    const json = this.jsonText as string;
    const at = json.lastIndexOf(sentAtKey);
    if (at < 0) return undefined;
    const sentAt = parseInt(
      json.slice(at + sentAtKey.length, at + sentAtKey.length + 16),
      10,
    );
    return Number.isFinite(sentAt) ? sentAt : undefined;
  }

  /**
   * The message's place in its room's history (`<epoch>:<sequence>`), if the history gave it one. Read
   * from the JSON's end when the message is not parsed: the history's `id` is its last key.
   */
  get historyId(): string | undefined {
    if (this.parsed) {
      const { id } = this.parsed;
      return typeof id === "string" ? id : undefined;
    }
    const json = this.jsonText as string;
    if (!json.endsWith('"}')) return undefined;
    const at = json.lastIndexOf(idKey);
    return at < 0 ? undefined : json.slice(at + idKey.length, -2);
  }

  get payload(): MessagePayload {
    return (this.parsed ??= JSON.parse(
      this.jsonText as string,
    ) as MessagePayload);
  }
}
