import type { Socket } from "net";

/** What the plugin reads of a `ws` WebSocket to write a frame beside it without reordering its output. */
export interface WsSocket {
  readyState: number;
  /** What it has not sent yet, in bytes (its TCP socket's buffer included). */
  bufferedAmount?: number;
  _socket?: Socket;
  /** The extensions negotiated with the client (`permessage-deflate` is the one `ws` has). */
  _extensions?: Record<string, unknown>;
  _sender?: WsSender;
}

/** What the plugin reads and sets of a `ws` WebSocket's sender. */
export interface WsSender {
  _socket: Socket;
  /** 0 while it sends frames as they come (not compressing one, nothing queued). */
  _state?: number;
  _queue?: unknown[];
  /** False while a fragmented message is half sent. */
  _firstFragment?: boolean;
  /** Writes one frame, its header and payload apart or together, to its socket. */
  sendFrame?(
    list: (Buffer | string)[],
    callback?: (error?: Error | null) => void,
  ): void;
}

const open = 1;
const sendingAsTheyCome = 0;

/**
 * The TCP socket to write a whole frame to, when doing so keeps the order of everything the
 * WebSocket sends: it is open, and its sender holds nothing back (no frame being compressed or
 * queued, no fragmented message under way). Otherwise null: send through the WebSocket. A
 * connection that compresses its messages (permessage-deflate) always goes through the WebSocket,
 * which compresses them.
 */
export function frameWriter(ws: WsSocket | undefined): Socket | null {
  const sender = ws?._sender;
  if (
    !ws?._socket ||
    ws.readyState !== open ||
    ws._extensions?.["permessage-deflate"] !== undefined ||
    sender?._state !== sendingAsTheyCome ||
    sender._queue?.length !== 0 ||
    sender._firstFragment !== true
  )
    return null;
  return ws._socket;
}

/** A final, unmasked text frame of a server (RFC 6455, section 5.2) carrying `text`. */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}
