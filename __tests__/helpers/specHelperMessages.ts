import type { specHelper } from "actionhero";

type SpecHelperConnection = Awaited<
  ReturnType<typeof specHelper.buildConnection>
>;
type Message = Record<string, unknown>;

/** Resolves with the first message a specHelper connection has received, or will receive, that matches. */
export function specHelperMessage(
  connection: SpecHelperConnection,
  predicate: (message: Message) => boolean,
) {
  const messages = connection.messages as Message[];
  const found = messages.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise<Message>((resolve) => {
    const push = messages.push.bind(messages);
    messages.push = (...added: Message[]) => {
      const match = added.find(predicate);
      if (match) {
        messages.push = push;
        resolve(match);
      }
      return push(...added);
    };
  });
}
