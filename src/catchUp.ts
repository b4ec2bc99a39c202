import { parseMessageId, type MessagePlace } from "./roomHistory";
import type { RoomMessage } from "./roomMessage";

/**
 * One member's catching up on a room after `since`: while its missed messages are read from the
 * history, the room's new messages are held; then the missed ones go out, then those held, and any
 * message it already has (an id at or before the last it was sent) is dropped, so that it gets every
 * message once and in order.
 */
export class CatchUp {
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
    const place = parseMessageId(message.payload.id);
    if (this.alreadySent(place)) return false;
    if (place) this.caughtUp = true;
    return true;
  }

  /**
   * Once the missed messages (oldest first) are read: what to send, in order. When they are not all
   * there (`complete` false), `since` says nothing of what comes next, so only what is sent here is
   * taken as had.
   */
  missedThenHeld(missed: RoomMessage[], complete: boolean): RoomMessage[] {
    const held = this.held ?? [];
    this.held = null;
    if (!complete) this.sentUpTo = null;
    const toSend: RoomMessage[] = [];
    for (const message of [...missed, ...held]) {
      const place = parseMessageId(message.payload.id);
      if (this.alreadySent(place)) continue;
      toSend.push(message);
      if (place) this.sentUpTo = place;
    }
    return toSend;
  }

  /** A message at or before the last one sent, in the same life of the history. */
  private alreadySent(place: MessagePlace | null) {
    return (
      place !== null &&
      this.sentUpTo !== null &&
      place.epoch === this.sentUpTo.epoch &&
      place.sequence <= this.sentUpTo.sequence
    );
  }
}
