import { parseMessageId, type MessagePlace } from "./roomHistory";
import type { RoomMessage } from "./roomMessage";

/**
 * One member's catching up on a room after `since`: while its missed messages are read from the
 * history, the room's new messages are held; then the missed ones go out, then those held, and any
 * message it already has (an id at or before the last it was sent) is dropped, so that it gets every
 * message once and in order.
 */
export class Recovery {
  private held: RoomMessage[] | null = [];
  private sentUpTo: MessagePlace | null;
  /** A new message past those it caught up on has gone out: nothing it already has can come any more. */
  caughtUp = false;

  constructor(since: string) {
    this.sentUpTo = parseMessageId(since);
  }

  /** Whether a new message of the room goes out now; a held or dropped one does not. */
  admit(message: RoomMessage): boolean {
    if (this.held) {
      this.held.push(message);
      return false;
    }
    if (this.alreadySent(message)) return false;
    if (parseMessageId(message.payload.id)) this.caughtUp = true;
    return true;
  }

  /**
   * Once the missed messages (oldest first) are read: what to send, in order. When they are not all
   * there (`complete` false), `since` says nothing of what comes next, so only what is sent here is
   * taken as had.
   */
  catchUp(missed: RoomMessage[], complete: boolean): RoomMessage[] {
    const held = this.held ?? [];
    this.held = null;
    if (!complete) this.sentUpTo = null;
    const toSend: RoomMessage[] = [];
    for (const message of [...missed, ...held]) {
      if (this.alreadySent(message)) continue;
      toSend.push(message);
      const place = parseMessageId(message.payload.id);
      if (place) this.sentUpTo = place;
    }
    return toSend;
  }

  private alreadySent(message: RoomMessage) {
    const place = parseMessageId(message.payload.id);
    return (
      place !== null &&
      this.sentUpTo !== null &&
      place.epoch === this.sentUpTo.epoch &&
      place.sequence <= this.sentUpTo.sequence
    );
  }
}
