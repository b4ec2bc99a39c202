import { StringDecoder } from "string_decoder";

export type LineEvent = { line: string } | { tooLong: true };

/**
 * Splits a stream of bytes into lines. A line longer than the limit is reported once and
 * dropped up to its end, so a client that never sends a delimiter cannot make the server hold an
 * unbounded buffer. With the delimiter "\n", a trailing "\r" is dropped too.
 */
export class LineReader {
  private buffer = "";
  private discarding = false;
  private readonly decoder = new StringDecoder("utf8");

  constructor(
    private readonly delimiter: string,
    private readonly maxLength: number,
  ) {}

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    this.buffer += this.decoder.write(chunk);
    let end: number;
    while ((end = this.buffer.indexOf(this.delimiter)) >= 0) {
      let line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + this.delimiter.length);
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      if (this.delimiter === "\n" && line.endsWith("\r"))
        line = line.slice(0, -1);
      events.push(line.length > this.maxLength ? { tooLong: true } : { line });
    }
    if (this.buffer.length > this.maxLength) {
      if (!this.discarding) events.push({ tooLong: true });
      this.discarding = true;
      this.buffer = "";
    }
    return events;
  }
}
