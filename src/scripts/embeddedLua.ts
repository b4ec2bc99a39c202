import type { RedisConnection } from "../redisConnection";

// fengari (the Lua VM ioredis-mock runs scripts in) has no type declarations of its own.
const { lua, lauxlib, lualib, to_luastring } = require("fengari");

/** A command as ioredis-mock implements it: called on the mock, returns its reply at once. */
type Emulator = (this: unknown, ...args: unknown[]) => unknown;

/** One Lua state per in-memory connection, each script compiled into it once. */
const runners = new WeakMap<object, ScriptRunner>();

/**
 * Teaches an ioredis-mock connection a script the way `defineCommand` does, but runs it in one Lua
 * state kept for the connection, the script compiled once. ioredis-mock's own `defineCommand` builds a
 * new Lua state (all the standard libraries) and compiles the script again on every call: about half a
 * megabyte of garbage and most of a millisecond per join. Returns false when this ioredis-mock does not
 * offer what the runner needs, and the caller falls back to `defineCommand`.
 */
export function defineEmbeddedScript(
  redis: RedisConnection,
  name: string,
  numberOfKeys: number,
  source: string,
): boolean {
  let runner = runners.get(redis);
  if (!runner) {
    const emulators = commandEmulators(redis);
    if (!emulators) return false;
    runner = new ScriptRunner(redis, emulators);
    runners.set(redis, runner);
  }
  const script = runner.compile(name, source);
  const run = (args: unknown[]) =>
    runner.run(
      script,
      args.slice(0, numberOfKeys).map(String),
      args.slice(numberOfKeys).map(String),
    );
  const command = (...args: unknown[]) => {
    const callback =
      typeof args[args.length - 1] === "function"
        ? (args.pop() as (error: Error | null, result?: unknown) => void)
        : undefined;
    const reply = new Promise((resolve) => resolve(run(args)));
    if (callback) reply.then((result) => callback(null, result), callback);
    return reply;
  };
  const mock = redis as unknown as Record<string, unknown> & {
    customCommands?: Record<string, unknown>;
  };
  mock[name] = command;
  // What ioredis-mock's pipelines and transactions copy their custom commands from.
  if (mock.customCommands)
    mock.customCommands[name] = (...args: unknown[]) => run(args);
  return true;
}

/**
 * ioredis-mock's command implementations, which reply at once (its public commands reply through a
 * promise, and a script must read a reply before its next command): taken from its pipeline class,
 * which copies them, reached without touching the connection's own transaction state.
 */
function commandEmulators(
  redis: RedisConnection,
): Record<string, Emulator> | null {
  try {
    const pipeline = (redis as unknown as { pipeline: () => object }).pipeline;
    const Pipeline = pipeline.call({ customCommands: {} }).constructor as {
      prototype: { copyCommands: (this: unknown) => void };
    };
    const emulators: Record<string, Emulator> = {};
    Pipeline.prototype.copyCommands.call({
      redis: { customCommands: {} },
      _createCommand: (commandName: string, emulator: Emulator) => {
        emulators[commandName] = emulator;
      },
    });
    return typeof emulators.get === "function" &&
      typeof emulators.hset === "function"
      ? emulators
      : null;
  } catch {
    return null;
  }
}

const registry = lua.LUA_REGISTRYINDEX;

/** A Lua state for one connection, with `redis.call` and `redis.pcall` as Redis gives them to a script. */
class ScriptRunner {
  private readonly L = lauxlib.luaL_newstate();
  private running = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly emulators: Record<string, Emulator>,
  ) {
    const { L } = this;
    lualib.luaL_openlibs(L);
    lua.lua_pushjsfunction(L, (state: unknown) => this.call(state, false));
    lua.lua_setglobal(L, to_luastring("__ahChatCall", true));
    lua.lua_pushjsfunction(L, (state: unknown) => this.call(state, true));
    lua.lua_setglobal(L, to_luastring("__ahChatPcall", true));
    const prelude = `
      redis = {
        call = __ahChatCall,
        pcall = __ahChatPcall,
        error_reply = function(message) return {err = message} end,
        status_reply = function(message) return {ok = message} end,
      }
      __ahChatCall, __ahChatPcall = nil, nil
      unpack = table.unpack
    `;
    if (lauxlib.luaL_dostring(L, to_luastring(prelude)) !== lua.LUA_OK)
      throw new Error(
        `the embedded Lua prelude failed: ${lua.lua_tojsstring(L, -1)}`,
      );
  }

  /** Compiles a script once; returns its reference in the registry. */
  compile(name: string, source: string): number {
    const { L } = this;
    if (
      lauxlib.luaL_loadbuffer(
        L,
        to_luastring(source),
        null,
        to_luastring(`@${name}`),
      ) !== lua.LUA_OK
    ) {
      const message = lua.lua_tojsstring(L, -1);
      lua.lua_settop(L, 0);
      throw new Error(`the chat script ${name} does not compile: ${message}`);
    }
    return lauxlib.luaL_ref(L, registry);
  }

  /** Runs a compiled script with its KEYS and ARGV; returns its reply as ioredis would. */
  run(script: number, keys: string[], argv: string[]): unknown {
    const { L } = this;
    // A script's commands reply at once and ioredis-mock delivers messages on a later tick, so no
    // script starts while another runs; this says so if that ever changes.
    if (this.running)
      throw new Error("a chat script started while another ran");
    this.running = true;
    try {
      lua.lua_settop(L, 0);
      this.setGlobalArray("KEYS", keys);
      this.setGlobalArray("ARGV", argv);
      lua.lua_rawgeti(L, registry, script);
      const status = lua.lua_pcall(L, 0, 1, 0);
      if (status !== lua.LUA_OK)
        throw new Error(lua.lua_tojsstring(L, -1) ?? "the chat script failed");
      return this.reply(-1);
    } finally {
      lua.lua_settop(L, 0);
      this.running = false;
    }
  }

  private setGlobalArray(name: string, values: string[]) {
    const { L } = this;
    lua.lua_createtable(L, values.length, 0);
    values.forEach((value, i) => {
      lua.lua_pushstring(L, to_luastring(value));
      lua.lua_rawseti(L, -2, i + 1);
    });
    lua.lua_setglobal(L, to_luastring(name, true));
  }

  /** `redis.call(command, ...)` (or `pcall`): runs the command on the mock at once. */
  private call(L: unknown, protectedCall: boolean): number {
    const count = lua.lua_gettop(L);
    const args: string[] = [];
    for (let i = 1; i <= count; i++) {
      const type = lua.lua_type(L, i);
      if (type !== lua.LUA_TSTRING && type !== lua.LUA_TNUMBER)
        return this.fail(
          L,
          protectedCall,
          "Lua redis() command arguments must be strings or integers",
        );
      args.push(lua.lua_tojsstring(L, i));
    }
    const emulator = this.emulators[(args[0] ?? "").toLowerCase()];
    if (!emulator)
      return this.fail(
        L,
        protectedCall,
        "Unknown Redis command called from Lua script",
      );
    let result: unknown;
    try {
      result = emulator.apply(this.redis, args.slice(1));
    } catch (error) {
      return this.fail(
        L,
        protectedCall,
        error instanceof Error ? error.message : String(error),
      );
    }
    // HGETALL's implementation answers an object; Redis answers field, value, field, value...
    if (
      result &&
      typeof result === "object" &&
      !Array.isArray(result) &&
      !Buffer.isBuffer(result)
    )
      result = Object.entries(result).flat();
    this.push(L, result);
    return 1;
  }

  private fail(L: unknown, protectedCall: boolean, message: string): number {
    if (protectedCall) {
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushstring(L, to_luastring(message));
      lua.lua_setfield(L, -2, to_luastring("err", true));
      return 1;
    }
    lua.lua_pushstring(L, to_luastring(message));
    return lua.lua_error(L);
  }

  /** A reply as Redis hands it to Lua: nil as false, integers as numbers, arrays as tables. */
  private push(L: unknown, value: unknown) {
    if (value === null || value === undefined || value === false)
      lua.lua_pushboolean(L, false);
    else if (value === true) lua.lua_pushinteger(L, 1);
    // fengari's integers are 32-bit: a larger whole number goes to Lua as a float.
    else if (typeof value === "number")
      (value | 0) === value
        ? lua.lua_pushinteger(L, value)
        : lua.lua_pushnumber(L, value);
    else if (Array.isArray(value)) {
      lua.lua_createtable(L, value.length, 0);
      value.forEach((item, i) => {
        this.push(L, item);
        lua.lua_rawseti(L, -2, i + 1);
      });
    } else lua.lua_pushstring(L, to_luastring(String(value)));
  }

  /** The script's result as Redis replies it: numbers as integers, tables as arrays up to the first nil. */
  private reply(index: number): unknown {
    const { L } = this;
    switch (lua.lua_type(L, index)) {
      case lua.LUA_TNUMBER:
        return Math.trunc(lua.lua_tonumber(L, index));
      case lua.LUA_TSTRING:
        return lua.lua_tojsstring(L, index);
      case lua.LUA_TBOOLEAN:
        return lua.lua_toboolean(L, index) ? 1 : null;
      case lua.LUA_TTABLE: {
        const table = lua.lua_absindex(L, index);
        if (
          lua.lua_getfield(L, table, to_luastring("err", true)) ===
          lua.LUA_TSTRING
        ) {
          const message = lua.lua_tojsstring(L, -1);
          lua.lua_pop(L, 1);
          throw new Error(message);
        }
        lua.lua_pop(L, 1);
        if (
          lua.lua_getfield(L, table, to_luastring("ok", true)) ===
          lua.LUA_TSTRING
        ) {
          const status = lua.lua_tojsstring(L, -1);
          lua.lua_pop(L, 1);
          return status;
        }
        lua.lua_pop(L, 1);
        const items: unknown[] = [];
        for (let i = 1; ; i++) {
          if (lua.lua_rawgeti(L, table, i) === lua.LUA_TNIL) {
            lua.lua_pop(L, 1);
            return items;
          }
          items.push(this.reply(-1));
          lua.lua_pop(L, 1);
        }
      }
      default:
        return null;
    }
  }
}
