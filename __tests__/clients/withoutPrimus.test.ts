// An application without primus installed: requiring it fails as Node fails for a missing package.
jest.mock("primus", () => {
  throw Object.assign(new Error("Cannot find module 'primus'"), {
    code: "MODULE_NOT_FOUND",
  });
});

import { ChatSocketClient, ChatWebsocketClient } from "../../src";

test("without primus the package loads, and only ChatWebsocketClient says it needs it", () => {
  expect(new ChatSocketClient({ port: 1 })).toBeInstanceOf(ChatSocketClient);
  expect(() => new ChatWebsocketClient({ url: "http://localhost:1" })).toThrow(
    'ChatWebsocketClient needs the "primus" package, which is not installed: npm install primus',
  );
});
