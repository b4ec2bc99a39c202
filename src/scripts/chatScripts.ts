import { readFileSync } from "fs";
import * as path from "path";
import type { Redis, Result } from "ioredis";

// The chat's Lua scripts as typed ioredis commands; each script's header names its KEYS and ARGV.
declare module "ioredis" {
  interface RedisCommander<Context> {
    ahChatJoin(
      roomKey: string,
      membersKey: string,
      holdersKey: string,
      connectionId: string,
      details: string,
      nodeId: string,
    ): Result<[number, string], Context>;
    ahChatLeave(
      membersKey: string,
      holdersKey: string,
      connectionId: string,
    ): Result<number, Context>;
    ahChatDestroy(
      roomKey: string,
      membersKey: string,
      holdersKey: string,
    ): Result<string[][], Context>;
    ahChatReap(
      membersKey: string,
      holdersKey: string,
      holderNodeId: string,
      ...connectionIds: string[]
    ): Result<string[][], Context>;
    ahChatRestore(
      roomKey: string,
      membersKey: string,
      holdersKey: string,
      generationIfLost: string,
      nodeId: string,
      ...memberTriples: string[]
    ): Result<string[][], Context>;
  }
}

/** `replies` scripts answer with a list through `reply.lua`, which is put before them. */
const scripts = {
  ahChatJoin: { file: "join.lua", numberOfKeys: 3, replies: false },
  ahChatLeave: { file: "leave.lua", numberOfKeys: 2, replies: false },
  ahChatDestroy: { file: "destroy.lua", numberOfKeys: 3, replies: true },
  ahChatReap: { file: "reap.lua", numberOfKeys: 2, replies: true },
  ahChatRestore: { file: "restore.lua", numberOfKeys: 3, replies: true },
};

const readScript = (file: string) =>
  readFileSync(path.join(__dirname, file), "utf8");

/** Teaches a Redis connection the chat's scripts (once; the application's own connection may be shared). */
export function defineChatScripts(redis: Redis) {
  for (const [name, { file, numberOfKeys, replies }] of Object.entries(
    scripts,
  )) {
    if (name in redis) continue;
    const lua = readScript(file);
    redis.defineCommand(name, {
      numberOfKeys,
      lua: replies ? `${readScript("reply.lua")}\n${lua}` : lua,
    });
  }
}
