/** How far back a room's message count looks, in seconds. */
export const trafficWindowSeconds = 60;

/** One room's counts: slot `s % window` holds the messages of second `s`. */
interface RoomSeconds {
  counts: number[];
  seconds: number[];
  lastSecond: number;
}

/**
 * The messages this node published per room in the last minute, for the admin page. It holds only
 * rooms with a message in the window, and at most `maxRooms` of them (past that a new room is not
 * counted until others fall out of the window), so it stays small whatever the traffic.
 */
export class RoomTraffic {
  private readonly rooms = new Map<string, RoomSeconds>();

  constructor(
    private readonly maxRooms = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one message published to the room. */
  record(room: string) {
    const second = this.currentSecond();
    let seconds = this.rooms.get(room);
    if (!seconds) {
      if (this.rooms.size >= this.maxRooms) this.prune(second);
      if (this.rooms.size >= this.maxRooms) return;
      seconds = {
        counts: new Array<number>(trafficWindowSeconds).fill(0),
        seconds: new Array<number>(trafficWindowSeconds).fill(-1),
        lastSecond: second,
      };
      this.rooms.set(room, seconds);
    }
    const slot = second % trafficWindowSeconds;
    if (seconds.seconds[slot] !== second) {
      seconds.seconds[slot] = second;
      seconds.counts[slot] = 0;
    }
    seconds.counts[slot] += 1;
    seconds.lastSecond = second;
  }

  /** Each room's messages in the last minute; rooms without any are left out (and forgotten). */
  perMinute(): Map<string, number> {
    const second = this.currentSecond();
    this.prune(second);
    const counts = new Map<string, number>();
    for (const [room, seconds] of this.rooms)
      counts.set(room, this.sum(seconds, second));
    return counts;
  }

  private sum({ counts, seconds }: RoomSeconds, now: number) {
    let total = 0;
    for (let slot = 0; slot < trafficWindowSeconds; slot++)
      if (seconds[slot] > now - trafficWindowSeconds) total += counts[slot];
    return total;
  }

  private prune(now: number) {
    for (const [room, { lastSecond }] of this.rooms)
      if (lastSecond <= now - trafficWindowSeconds) this.rooms.delete(room);
  }

  private currentSecond() {
    return Math.floor(this.now() / 1000);
  }
}
