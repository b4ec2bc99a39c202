/** A seeded random source (mulberry32), so that a failing fuzz run can be repeated with its seed. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, below). */
  below(below: number) {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  chance(probability: number) {
    return this.next() < probability;
  }
}

/** The seed of a fuzz run: FUZZ_SEED, or a new one. */
export function fuzzSeed() {
  return Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
}

const verbs = [
  "roomAdd",
  "roomLeave",
  "roomView",
  "say",
  "detailsView",
  "paramAdd",
  "paramView",
  "paramsView",
  "paramDelete",
  "paramsDelete",
  "file",
  "action",
  "constructor",
  "__proto__",
  "toString",
  "",
];
// Actions the fuzzer may call: none that sleeps, collects garbage or destroys rooms.
const actions = [
  "chatRoomStatus",
  "chatAddMember",
  "chatRemoveMember",
  "chatBroadcast",
  "logIn",
  "createRoom",
  "status",
  "noSuchAction",
];

/** Text of random characters: ASCII, control characters, line separators, astral and lone surrogates. */
export function randomText(random: Random, length: number) {
  const pieces = [
    "a",
    "Z",
    "7",
    " ",
    "\t",
    "\u0000",
    "\u2028",
    "é",
    "😀",
    "\ud800",
    '"',
    "\\",
    "{",
    "}",
    "[",
    "\r",
  ];
  let text = "";
  for (let n = 0; n < length; n++) text += random.pick(pieces);
  return text;
}

/** A random JSON value, at most `depth` levels deep. */
export function randomValue(random: Random, depth = 3): unknown {
  switch (random.below(depth > 0 ? 9 : 6)) {
    case 0:
      return null;
    case 1:
      return random.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]);
    case 2:
      return random.chance(0.5);
    case 3:
      return randomText(random, random.below(20));
    case 4:
      return random.pick(["lobby", "fuzz", "", " ", "}x", "a".repeat(300)]);
    case 5:
      return randomText(random, random.below(2000));
    case 6:
      return Array.from({ length: random.below(4) }, () =>
        randomValue(random, depth - 1),
      );
    default:
      return Object.fromEntries(
        Array.from({ length: random.below(4) }, () => [
          random.pick([
            "room",
            "message",
            "event",
            "params",
            "action",
            "__proto__",
            randomText(random, 3),
          ]),
          randomValue(random, depth - 1),
        ]),
      );
  }
}

/** The JSON of a value nested `depth` levels deep, as text (JSON.stringify could not write it). */
export function deepJson(random: Random, depth: number) {
  const [open, close] = random.pick([
    ['{"a":', "}"],
    ["[", "]"],
  ]);
  return open.repeat(depth) + "1" + close.repeat(depth);
}

/**
 * One fuzzed request as JSON text, the shape both servers take: a verb or an action with odd types in
 * every field, a primitive, or nesting far past the limit.
 */
export function fuzzedJsonRequest(random: Random): string {
  switch (random.below(6)) {
    case 0:
      return JSON.stringify(randomValue(random, 0));
    case 1: {
      const depth = random.pick([10, 33, 100, 1000, 6000]);
      return `{"event":"say","room":"lobby","message":${deepJson(random, depth)}}`;
    }
    case 2:
      return `{"action":"${random.pick(actions)}","params":${deepJson(random, random.pick([40, 5000]))}}`;
    case 3:
      return JSON.stringify({
        event: random.chance(0.8) ? random.pick(verbs) : randomValue(random, 1),
        room: randomValue(random, 1),
        message: randomValue(random),
        ...(random.chance(0.3)
          ? { key: randomValue(random, 1), value: randomValue(random, 1) }
          : {}),
      });
    case 4:
      return JSON.stringify({
        event: "action",
        action: random.pick(actions),
        params: random.chance(0.8)
          ? randomValue(random)
          : { action: random.pick(actions), room: randomValue(random, 1) },
      });
    default:
      return JSON.stringify({
        action: random.chance(0.9)
          ? random.pick(actions)
          : randomValue(random, 1),
        params: randomValue(random),
      });
  }
}

/** One fuzzed line for the socket server: JSON, words, or bytes. */
export function fuzzedLine(random: Random): string {
  switch (random.below(4)) {
    case 0:
      return fuzzedJsonRequest(random);
    case 1:
      return `${random.pick(verbs)} ${randomText(random, random.below(40))}`;
    case 2:
      return `${random.pick(["say lobby", "roomAdd", "roomView", "paramAdd"])} ${JSON.stringify(randomValue(random))}`;
    default:
      return randomText(random, random.below(200));
  }
}
