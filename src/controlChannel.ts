import { trace } from "./observability/trace";
import { randomUUID } from "crypto";
import { ChatError, type ChatErrorCode } from "./errors";
import type { ChatKeys } from "./keys";
import type { ChatLogger, MaybePromise } from "./types";

/** One kind of control message: the body it carries and what a node answers (`void` for a notification). */
export interface ControlExchange {
  body: object;
  reply: unknown;
}

/** The control messages a channel carries, by type. */
export type ControlProtocol<Types = Record<string, ControlExchange>> = {
  [Type in keyof Types]: ControlExchange;
};

/** A message between nodes. Only those carrying the application's serverToken are acted on. */
export interface ControlMessage {
  serverToken: string;
  from: string;
  type: string;
  requestId?: string;
  body?: object;
  result?: unknown;
  error?: { message: string; code?: ChatErrorCode };
  /** In a reply: the request was not about anything this node holds. */
  absent?: boolean;
}

/** What a handler returns, and a request resolves with, when the request is about nothing the node holds. */
export const notForThisNode = Symbol("notForThisNode");

/** Handles one type of message from another node; a request is answered with what it returns. */
export type ControlHandler<Exchange extends ControlExchange = ControlExchange> =
  (
    body: Exchange["body"],
    from: string,
  ) => MaybePromise<Exchange["reply"] | typeof notForThisNode>;

/** What a request resolves with: the answer, or `notForThisNode`. */
export type ControlReply<Exchange extends ControlExchange> = Promise<
  Exchange["reply"] | typeof notForThisNode
>;

interface PendingRequest {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** The nodes that have not answered yet. */
  waitingFor: Set<string>;
}

/**
 * Requests and notifications between the nodes of one application. Notifications and requests to every node go on
 * the shared control channel; a request to one node, and every reply, goes to that node's own inbox, so
 * no node hears what is not for it. Handling a message never rejects: a failure is answered or logged.
 */
export class ControlChannel<
  Protocol extends ControlProtocol<Protocol> = ControlProtocol,
> {
  private readonly handlers = new Map<string, ControlHandler>();
  private readonly pending = new Map<string, PendingRequest>();

  constructor(
    private readonly publish: (
      channel: string,
      json: string,
    ) => Promise<unknown>,
    private readonly keys: ChatKeys,
    private readonly nodeId: string,
    private readonly serverToken: string,
    private readonly timeout: number,
    private readonly log: ChatLogger,
  ) {}

  on<Type extends keyof Protocol & string>(
    type: Type,
    handler: ControlHandler<Protocol[Type]>,
  ) {
    // One map holds every type's handler; `receive` hands each the body its own type carries.
    this.handlers.set(type, handler as unknown as ControlHandler);
  }

  /** Tells every node, expecting no answer. */
  async notify<Type extends keyof Protocol & string>(
    type: Type,
    body: Protocol[Type]["body"],
  ) {
    await this.send(this.keys.controlChannel, { type, body });
  }

  /** Asks one node; resolves with its answer, or `notForThisNode` if the request is about nothing it holds. */
  ask<Type extends keyof Protocol & string>(
    nodeId: string,
    type: Type,
    body: Protocol[Type]["body"],
    onTimeout: () => Error,
  ): ControlReply<Protocol[Type]> {
    return this.request(
      this.keys.nodeInbox(nodeId),
      [nodeId],
      type,
      body,
      onTimeout,
    );
  }

  /**
   * Asks every node in `nodeIds`; resolves with the answer of the node the request concerns, or with
   * `notForThisNode` as soon as every one of them has said it is not about anything it holds.
   */
  askAll<Type extends keyof Protocol & string>(
    nodeIds: readonly string[],
    type: Type,
    body: Protocol[Type]["body"],
    onTimeout: () => Error,
  ): ControlReply<Protocol[Type]> {
    if (nodeIds.length === 0) return Promise.resolve(notForThisNode);
    return this.request(
      this.keys.controlChannel,
      nodeIds,
      type,
      body,
      onTimeout,
    );
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

  /** Handles one message from the control channel or this node's inbox. Never rejects. */
  async receive(json: string) {
    let message: ControlMessage;
    try {
      message = JSON.parse(json) as ControlMessage;
    } catch {
      this.log("ignored a control message that is not JSON", "warning");
      return;
    }
    if (!message || message.serverToken !== this.serverToken) {
      this.log(
        "ignored a control message without this application's serverToken",
        "warning",
        { type: message?.type, from: message?.from },
      );
      return;
    }
    if (message.from === this.nodeId) return;
    if (message.type === "reply") return this.settle(message);

    const handler = this.handlers.get(message.type);
    if (!handler) {
      trace.control(
        "ignored %s from %s: no handler",
        message.type,
        message.from,
      );
      return;
    }
    trace.control("handling %s from %s", message.type, message.from);
    let outcome: Pick<ControlMessage, "result" | "error" | "absent">;
    try {
      const result = await handler(message.body ?? {}, message.from);
      outcome = result === notForThisNode ? { absent: true } : { result };
    } catch (error) {
      const { message: text, code } = error as ChatError;
      outcome = { error: { message: String(text ?? error), code } };
    }
    if (!message.requestId) {
      if (outcome.error)
        this.log(
          `control message ${message.type} failed: ${outcome.error.message}`,
          "warning",
        );
      return;
    }
    try {
      await this.send(this.keys.nodeInbox(message.from), {
        type: "reply",
        requestId: message.requestId,
        ...outcome,
      });
    } catch (error) {
      this.log(
        `could not answer ${message.type} from node "${message.from}"`,
        "warning",
        {
          error: String(error),
        },
      );
    }
  }

  private request<Exchange extends ControlExchange>(
    channel: string,
    nodeIds: readonly string[],
    type: string,
    body: Exchange["body"],
    onTimeout: () => Error,
  ): ControlReply<Exchange> {
    const requestId = randomUUID();
    trace.control("asking %s of %o", type, nodeIds);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        trace.control("%s timed out after %d ms", type, this.timeout);
        this.pending.delete(requestId);
        reject(onTimeout());
      }, this.timeout);
      this.pending.set(requestId, {
        resolve,
        reject,
        timer,
        waitingFor: new Set(nodeIds),
      });
      this.send(channel, { type, body, requestId }).catch((error: Error) => {
        clearTimeout(timer);
        this.pending.delete(requestId);
        reject(error);
      });
    });
  }

  private settle(message: ControlMessage) {
    const request = message.requestId
      ? this.pending.get(message.requestId)
      : undefined;
    if (!request || !message.requestId) return;
    trace.control(
      "reply from %s: %s",
      message.from,
      message.absent ? "not for it" : message.error ? "error" : "ok",
    );
    if (message.absent) {
      request.waitingFor.delete(message.from);
      if (request.waitingFor.size > 0) return;
    }
    clearTimeout(request.timer);
    this.pending.delete(message.requestId);
    if (message.absent) return request.resolve(notForThisNode);
    if (message.error) {
      const { code, message: text } = message.error;
      request.reject(code ? new ChatError(code, text) : new Error(text));
    } else {
      request.resolve(message.result);
    }
  }

  private send(
    channel: string,
    message: Omit<ControlMessage, "serverToken" | "from">,
  ) {
    return this.publish(
      channel,
      JSON.stringify({
        ...message,
        serverToken: this.serverToken,
        from: this.nodeId,
      }),
    );
  }
}
