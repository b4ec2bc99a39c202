import * as path from "path";
import { inspect } from "util";
import { api, Process } from "actionhero";

// The built package: the one whose initializer the application under test runs.
const builtPackage = require(
  path.join(__dirname, "..", ".."),
) as typeof import("../..");
const notRunning = /ah-chat-plugin is not running/;

describe("the package's chat export", () => {
  const actionhero = new Process();
  // Taken before the plugin runs, as a module's top-level import would be.
  const early = builtPackage.chat;

  test("before the plugin has initialized, using it throws an error that says so", () => {
    expect(() => early.add).toThrow(notRunning);
    expect(() => {
      early.presenceKey = () => "x";
    }).toThrow(notRunning);
  });

  test("before the plugin has initialized, inspecting it is not using it", async () => {
    expect(() => inspect(early)).not.toThrow();
    expect(await Promise.resolve(early)).toBe(early);
  });

  test("while actionhero runs, it is api.chatRoom, and what was taken early reaches it", async () => {
    await actionhero.start();
    try {
      expect(builtPackage.chat).toBe(api.chatRoom);
      expect(early.add).toBe(api.chatRoom.add);
      expect(await early.add("chat export")).toBe(1);
      const presenceKey = api.chatRoom.presenceKey;
      try {
        early.presenceKey = () => "one key";
        expect(await api.chatRoom.presenceKey({ id: "a" })).toBe("one key");
      } finally {
        api.chatRoom.presenceKey = presenceKey;
      }
      expect(
        await builtPackage.chat.removeMember("nobody", "chat export"),
      ).toBe(false);
      await builtPackage.chat.destroy("chat export");
    } finally {
      await actionhero.stop();
    }
  });

  test("after actionhero stopped, using it throws again", () => {
    expect(() => builtPackage.chat.add).toThrow(notRunning);
  });
});
