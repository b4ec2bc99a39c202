import { parseRequest } from "../../socketProtocol/parseRequest";
import { defaultSocketServerConfig } from "../../socketProtocol/socketConfig";

describe("parseRequest", () => {
  test.each([
    ["", { kind: "empty" }],
    ["   ", { kind: "empty" }],
    ["roomAdd lobby", { kind: "verb", verb: "roomAdd", words: ["lobby"] }],
    [
      "say lobby hello  world",
      { kind: "verb", verb: "say", words: ["lobby", "hello", "world"] },
    ],
    [
      "paramAdd key=value",
      { kind: "verb", verb: "paramAdd", words: ["key=value"] },
    ],
    ["status", { kind: "action", name: "status" }],
    [
      '{"action": "logIn", "params": {"password": "x"}}',
      { kind: "action", name: "logIn", params: { password: "x" } },
    ],
    ['{"action": "status"}', { kind: "action", name: "status", params: {} }],
    [
      '{"event": "say", "room": "lobby", "message": {"a": 1}}',
      { kind: "verb", verb: "say", words: ["lobby", { a: 1 }] },
    ],
    [
      '{"event": "say", "room": "lobby", "from": "x", "message": "hi"}',
      { kind: "verb", verb: "say", words: ["lobby", "hi"] },
    ],
    [
      '{"event": "roomAdd", "room": "lobby", "foo": 1, "since": "e:5"}',
      { kind: "verb", verb: "roomAdd", words: ["lobby", "e:5"] },
    ],
    [
      '{"event": "detailsView"}',
      { kind: "verb", verb: "detailsView", words: [] },
    ],
  ])("%j", (line, request) => {
    expect(parseRequest(line)).toEqual(request);
  });

  test.each([
    ["{not json", /^malformed JSON/],
    ["{}", /needs an "event" \(a verb\) or an "action"/],
    ['{"room": "lobby"}', /needs an "event" \(a verb\) or an "action"/],
    ['{"action": "x", "params": [1]}', /"params" must be an object/],
  ])("%j is invalid", (line, error) => {
    const request = parseRequest(line);
    expect(request.kind).toBe("invalid");
    expect(request.kind === "invalid" && request.error).toMatch(error);
  });
});

describe("the socket server's default port", () => {
  test("5000, or under NODE_ENV=test a free port, unless SOCKET_PORT says otherwise", () => {
    expect(defaultSocketServerConfig({}).port).toBe(5000);
    expect(defaultSocketServerConfig({ NODE_ENV: "test" }).port).toBe(0);
    expect(
      defaultSocketServerConfig({ NODE_ENV: "test", SOCKET_PORT: "6000" }).port,
    ).toBe(6000);
  });
});
