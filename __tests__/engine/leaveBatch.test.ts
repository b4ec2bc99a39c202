import type { Redis } from "ioredis";
import { LeaveBatch } from "../../src/leaveBatch";
import type { LeaveOutcome } from "../../src/roomStore";
import { startEngineNode, type EngineNode } from "../helpers/engineNode";
import { describeOnEachRedis } from "../helpers/redisBackends";
import type { TestConnection } from "../helpers/testConnection";

/** The leave scripts a Redis connection is asked to run, as the list of connection ids of each. */
function countLeaveScripts(redis: Redis) {
  const spy = jest.spyOn(redis, "ahChatLeave");
  return {
    calls: () =>
      spy.mock.calls.map((args) => (args as string[]).slice(4).sort()),
    restore: () => spy.mockRestore(),
  };
}

/** Presence leaves a connection heard, by presence key. */
function presenceLeaves(connection: TestConnection) {
  return connection.messages
    .filter((message) => message.context === "presence")
    .filter((message) => message.event === "leave")
    .map((message) => String(message.key));
}

describe("a leave batch", () => {
  /** A store that records what it is asked and answers each id with its own outcome. */
  function recordingStore() {
    const asked: [string, string[]][] = [];
    return {
      asked,
      leaveMany: async (room: string, ids: readonly string[]) => {
        asked.push([room, [...ids]]);
        return ids.map((id) => ({
          removed: true,
          presenceLeft: `${room}/${id}`,
        }));
      },
    };
  }

  test("sends one call per room for the leaves of one turn, and gives each its own outcome", async () => {
    const store = recordingStore();
    const batch = new LeaveBatch(store);
    const outcomes = await Promise.all([
      batch.leave("lobby", "a"),
      batch.leave("kitchen", "b"),
      batch.leave("lobby", "c"),
    ]);
    expect(store.asked).toEqual([
      ["lobby", ["a", "c"]],
      ["kitchen", ["b"]],
    ]);
    expect(outcomes.map((outcome) => outcome.presenceLeft)).toEqual([
      "lobby/a",
      "kitchen/b",
      "lobby/c",
    ]);
    await batch.leave("lobby", "d");
    expect(store.asked).toHaveLength(3);
  });

  test("a call that fails fails each of its leaves, and no other", async () => {
    const failure = new Error("Redis said no");
    const store = {
      leaveMany: async (room: string, ids: readonly string[]) => {
        if (room === "lobby") throw failure;
        return ids.map((): LeaveOutcome => ({
          removed: true,
          presenceLeft: null,
        }));
      },
    };
    const batch = new LeaveBatch(store);
    const outcomes = await Promise.allSettled([
      batch.leave("lobby", "a"),
      batch.leave("kitchen", "b"),
      batch.leave("lobby", "c"),
    ]);
    expect(outcomes).toEqual([
      { status: "rejected", reason: failure },
      { status: "fulfilled", value: { removed: true, presenceLeft: null } },
      { status: "rejected", reason: failure },
    ]);
  });
});

describeOnEachRedis("many members leaving in one turn", ({ newRedis }) => {
  const leaving = 60;
  let redis: Redis;
  let node: EngineNode;
  let watcher: TestConnection;
  let members: TestConnection[];
  let leaveMiddlewareRuns: string[];

  beforeEach(async () => {
    redis = await newRedis();
    node = await startEngineNode(redis, "node-a", { presenceEvents: true });
    await node.engine.add("lobby");
    await node.engine.add("kitchen");
    watcher = node.connect("watcher");
    await node.engine.addMember("watcher", "lobby");
    members = [];
    for (let i = 0; i < leaving; i++) {
      members.push(node.connect(`member-${i}`));
      await node.engine.addMember(`member-${i}`, "lobby");
    }
    leaveMiddlewareRuns = [];
    node.engine.addMiddleware({
      name: "count leaves",
      leave: (connection, room) =>
        void leaveMiddlewareRuns.push(`${connection.id} ${room}`),
    });
  });
  afterEach(() => node.stop());

  test("cost Redis one leave script for the room; each is out, announced once, its middleware run once", async () => {
    const scripts = countLeaveScripts(redis);
    try {
      await Promise.all(members.map((member) => node.disconnect(member)));
      expect(scripts.calls()).toEqual([
        members.map((member) => member.id).sort(),
      ]);
    } finally {
      scripts.restore();
    }
    const status = await node.engine.roomStatus("lobby");
    expect(Object.keys(status.members)).toEqual(["watcher"]);
    expect(leaveMiddlewareRuns.sort()).toEqual(
      members.map((member) => `${member.id} lobby`).sort(),
    );
    // A message sent after the leaves arrives after every presence event they caused.
    await node.engine.broadcast({}, "lobby", "fence");
    await watcher.hears("lobby", "fence");
    expect(presenceLeaves(watcher).sort()).toEqual(
      members.map((member) => member.id).sort(),
    );
  });

  test("members of two rooms closing at once cost one script per room", async () => {
    const inBoth = members.slice(0, 10);
    for (const member of inBoth)
      await node.engine.addMember(member.id, "kitchen");
    const scripts = countLeaveScripts(redis);
    try {
      await Promise.all(inBoth.map((member) => node.disconnect(member)));
      expect(scripts.calls()).toHaveLength(2);
    } finally {
      scripts.restore();
    }
    expect((await node.engine.roomStatus("kitchen")).membersCount).toBe(0);
    expect((await node.engine.roomStatus("lobby")).membersCount).toBe(
      1 + leaving - inBoth.length,
    );
  });

  test("a leave script that fails fails each member's leave: each is noted for the restore", async () => {
    const failing = jest
      .spyOn(redis, "ahChatLeave")
      .mockRejectedValueOnce(new Error("Redis refused the script"));
    try {
      await Promise.all(members.map((member) => node.disconnect(member)));
    } finally {
      failing.mockRestore();
    }
    const noted = node.logs.filter((line) =>
      line.includes("left its rooms here; Redis is told when it answers"),
    );
    expect(noted).toHaveLength(leaving);
    // The node no longer holds them, whatever Redis still says.
    for (const member of members) expect(member.rooms).toEqual([]);
  });

  test("a connection that leaves and joins again in one turn ends up a member", async () => {
    const [first] = members;
    const left = node.engine.removeMember(first.id, "lobby");
    const joined = node.engine.addMember(first.id, "lobby");
    expect(await left).toBe(true);
    expect(await joined).toBe(true);
    expect(first.rooms).toEqual(["lobby"]);
    expect(
      (await node.engine.roomStatus("lobby")).members[first.id],
    ).toBeDefined();
  });
});
