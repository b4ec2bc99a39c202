import { randomUUID } from "crypto";
import { ChatError, type ChatErrorCode } from "./errors";
import type { ChatLogger } from "./types";

/** A message between nodes. Only those carrying the application's serverToken are acted on. */
export interface ControlMessage {
  serverToken: string;
  from: string;
  type: string;
  requestId?: string;
  /** For replies: the node that asked. */
  to?: string;
  body?: Record<string, unknown>;
  result?: unknown;
  error?: { message: string; code?: ChatErrorCode };
}

/** What a request handler returns when the request is not for this node: it then stays silent. */
export const notForThisNode = Symbol("notForThisNode");

export type ControlHandler = (
  body: Record<string, unknown>,
) => Promise<unknown | typeof notForThisNode> | unknown;

interface PendingRequest {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Requests and notices between the nodes of one application, over one pub/sub channel.
 * A request goes to every node; the node it concerns answers; silence past the timeout is an error.
 */
export class ControlChannel {
  private readonly handlers = new Map<string, ControlHandler>();
  private readonly pending = new Map<string, PendingRequest>();

  constructor(
    private readonly publish: (json: string) => Promise<unknown>,
    private readonly nodeId: string,
    private readonly serverToken: string,
    private readonly timeout: number,
    private readonly log: ChatLogger,
  ) {}

  on(type: string, handler: ControlHandler) {
    this.handlers.set(type, handler);
  }

  async notify(type: string, body: Record<string, unknown>) {
    await this.send({ type, body });
  }

  /** Sends a request to every node and resolves with the answer of the one it concerns. */
  request(
    type: string,
    body: Record<string, unknown>,
    onTimeout: () => Error,
  ): Promise<unknown> {
    const requestId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(onTimeout());
      }, this.timeout);
      this.pending.set(requestId, { resolve, reject, timer });
      this.send({ type, body, requestId }).catch((error: Error) => {
        clearTimeout(timer);
        this.pending.delete(requestId);
        reject(error);
      });
    });
  }

  /** Rejects every request still waiting, as when the node stops. */
  close() {
    for (const [requestId, request] of this.pending) {
      clearTimeout(request.timer);
      request.reject(
        new Error("the chat engine stopped before the other node answered"),
      );
      this.pending.delete(requestId);
    }
  }

  async receive(json: string) {
    let message: ControlMessage;
    try {
      message = JSON.parse(json) as ControlMessage;
    } catch {
      return this.log("ignored a control message that is not JSON", "warning");
    }
    if (message.serverToken !== this.serverToken) {
      return this.log(
        "ignored a control message without this application's serverToken",
        "warning",
        {
          type: message.type,
          from: message.from,
        },
      );
    }
    if (message.from === this.nodeId) return;
    if (message.type === "reply") return this.settle(message);

    const handler = this.handlers.get(message.type);
    if (!handler) return;
    try {
      const result = await handler(message.body ?? {});
      if (result === notForThisNode || !message.requestId) return;
      await this.reply(message, { result });
    } catch (error) {
      const { message: text, code } = error as ChatError;
      if (message.requestId)
        await this.reply(message, { error: { message: text, code } });
      else
        this.log(`control message ${message.type} failed: ${text}`, "warning");
    }
  }

  private settle(message: ControlMessage) {
    if (message.to !== this.nodeId || !message.requestId) return;
    const request = this.pending.get(message.requestId);
    if (!request) return;
    clearTimeout(request.timer);
    this.pending.delete(message.requestId);
    if (message.error) {
      const { code, message: text } = message.error;
      request.reject(code ? new ChatError(code, text) : new Error(text));
    } else {
      request.resolve(message.result);
    }
  }

  private reply(
    request: ControlMessage,
    outcome: Pick<ControlMessage, "result" | "error">,
  ) {
    return this.send({
      type: "reply",
      requestId: request.requestId,
      to: request.from,
      ...outcome,
    });
  }

  private send(message: Omit<ControlMessage, "serverToken" | "from">) {
    return this.publish(
      JSON.stringify({
        ...message,
        serverToken: this.serverToken,
        from: this.nodeId,
      }),
    );
  }
}
