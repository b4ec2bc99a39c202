import { LineReader } from "../../socketProtocol/lineReader";

describe("LineReader", () => {
  test("splits lines across chunks, and drops the \\r of \\r\\n", () => {
    const reader = new LineReader("\n", 100);
    expect(reader.push(Buffer.from("roomAdd lob"))).toEqual([]);
    expect(reader.push(Buffer.from("by\r\nsay lobby hi\nparams"))).toEqual([
      { line: "roomAdd lobby" },
      { line: "say lobby hi" },
    ]);
    expect(reader.push(Buffer.from("View\n"))).toEqual([
      { line: "paramsView" },
    ]);
  });

  test("keeps a multi-byte character split across chunks whole", () => {
    const reader = new LineReader("\n", 100);
    const bytes = Buffer.from("say lobby héllo\n");
    expect([
      ...reader.push(bytes.subarray(0, 12)),
      ...reader.push(bytes.subarray(12)),
    ]).toEqual([{ line: "say lobby héllo" }]);
  });

  test("a line over the limit is reported once and dropped to its end, holding no more than the limit", () => {
    const reader = new LineReader("\n", 10);
    expect(reader.push(Buffer.from("x".repeat(25)))).toEqual([
      { tooLong: true },
    ]);
    expect(reader.push(Buffer.from("y".repeat(25)))).toEqual([]);
    expect(reader.push(Buffer.from("zz\nok\n"))).toEqual([{ line: "ok" }]);
    expect(reader.push(Buffer.from("0123456789AB\nfine\n"))).toEqual([
      { tooLong: true },
      { line: "fine" },
    ]);
  });

  test("another delimiter may be configured", () => {
    const reader = new LineReader("\r\n", 100);
    expect(reader.push(Buffer.from("a\nb\r\nc\r\n"))).toEqual([
      { line: "a\nb" },
      { line: "c" },
    ]);
  });
});
