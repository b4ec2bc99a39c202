import { readFileSync } from "fs";
import * as path from "path";
import type { Result } from "ioredis";
import { isInMemory, type RedisConnection } from "../redisConnection";
import { defineEmbeddedScript } from "./embeddedLua";

// The chat's Lua scripts as typed ioredis commands; each script's header names its KEYS and ARGV.
declare module "ioredis" {
  interface RedisCommander<Context> {
    ahChatJoin(
      roomKey: string,
      membersKey: string,
      holdersKey: string,
      presenceKey: string,
      presenceKeysKey: string,
      connectionId: string,
      details: string,
      nodeId: string,
      memberPresenceKey: string,
    ): Result<[number, string, number], Context>;
    ahChatLeave(
      membersKey: string,
      holdersKey: string,
      presenceKey: string,
      presenceKeysKey: string,
      ...connectionIds: string[]
    ): Result<(number | string)[], Context>;
    ahChatDestroy(
      roomKey: string,
      membersKey: string,
      holdersKey: string,
      presenceKey: string,
      presenceKeysKey: string,
    ): Result<string[][], Context>;
    ahChatReap(
      membersKey: string,
      holdersKey: string,
      presenceKey: string,
      presenceKeysKey: string,
      holderNodeId: string,
      ...connectionIds: string[]
    ): Result<string[][], Context>;
    ahChatRestore(
      roomKey: string,
      membersKey: string,
      holdersKey: string,
      presenceKey: string,
      presenceKeysKey: string,
      generationIfLost: string,
      nodeId: string,
      ...memberQuads: string[]
    ): Result<string[][], Context>;
    ahChatPublishWithHistory(
      historyKey: string,
      historyStateKey: string,
      channel: string,
      json: string,
      entriesKept: number,
      keptForMs: number,
      epochIfNew: string,
      publishCommand: "PUBLISH" | "SPUBLISH",
    ): Result<string, Context>;
    ahChatHistoryGap(
      historyStateKey: string,
      jump: number,
    ): Result<number | null, Context>;
    ahChatHistoryPage(
      historyKey: string,
      historyStateKey: string,
      readableEntries: number,
      count: string,
      from: "newest" | "after",
      sinceEpoch: string,
      sinceSequence: string,
      sequenceAfterSince: string,
    ): Result<[0 | 1, [string, string[]][]], Context>;
  }
}

/** Each script's file, its number of keys, and the helpers (Lua files) put before it. */
const scripts = {
  ahChatJoin: { file: "join.lua", numberOfKeys: 5, helpers: [] },
  ahChatLeave: {
    file: "leave.lua",
    numberOfKeys: 4,
    helpers: ["presence.lua"],
  },
  ahChatDestroy: {
    file: "destroy.lua",
    numberOfKeys: 5,
    helpers: ["reply.lua"],
  },
  ahChatReap: {
    file: "reap.lua",
    numberOfKeys: 4,
    helpers: ["reply.lua", "presence.lua"],
  },
  ahChatRestore: {
    file: "restore.lua",
    numberOfKeys: 5,
    helpers: ["reply.lua", "presence.lua"],
  },
  ahChatPublishWithHistory: {
    file: "publishWithHistory.lua",
    numberOfKeys: 2,
    helpers: [],
  },
  ahChatHistoryGap: {
    file: "historyGap.lua",
    numberOfKeys: 1,
    helpers: [],
  },
  ahChatHistoryPage: {
    file: "historyPage.lua",
    numberOfKeys: 2,
    helpers: [],
  },
};

const readScript = (file: string) =>
  readFileSync(path.join(__dirname, file), "utf8");

/** Teaches a Redis connection the chat's scripts (once; the application's own connection may be shared). */
export function defineChatScripts(redis: RedisConnection) {
  for (const [name, { file, numberOfKeys, helpers }] of Object.entries(
    scripts,
  )) {
    if (name in redis) continue;
    const lua = [...helpers, file].map(readScript).join("\n");
    // On ioredis-mock, one Lua state for the connection rather than a new one for every call.
    if (
      isInMemory(redis) &&
      defineEmbeddedScript(redis, name, numberOfKeys, lua)
    )
      continue;
    redis.defineCommand(name, { numberOfKeys, lua });
  }
}
