/** Names of every Redis key and pub/sub channel the chat uses, all under one prefix. */
export class ChatKeys {
  readonly rooms: string;
  readonly controlChannel: string;
  readonly roomChannelPrefix: string;
  private readonly membersPrefix: string;

  constructor(prefix: string) {
    this.rooms = `${prefix}rooms`;
    this.controlChannel = `${prefix}control`;
    this.roomChannelPrefix = `${prefix}room:`;
    this.membersPrefix = `${prefix}members:`;
  }

  /** The hash of one room's members: connection id to JSON member details. */
  members(room: string) {
    return this.membersPrefix + room;
  }

  roomChannel(room: string) {
    return this.roomChannelPrefix + room;
  }

  /** The room a room channel carries, or null for any other channel. */
  roomOfChannel(channel: string): string | null {
    return channel.startsWith(this.roomChannelPrefix)
      ? channel.slice(this.roomChannelPrefix.length)
      : null;
  }
}
