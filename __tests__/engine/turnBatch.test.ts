import * as net from "net";
import { once } from "events";
import { heldInTurn, writeInTurn } from "../../src/turnBatch";
import { countWrites } from "../helpers/socketWrites";

/** A connected pair of real TCP sockets on loopback: the server's end and the client's. */
async function socketPair() {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  const accepted = once(server, "connection");
  const client = net.connect(port, "127.0.0.1");
  const [serverSide] = (await accepted) as [net.Socket];
  await once(client, "connect");
  server.close();
  return { serverSide, client };
}

/** Resolves with everything the client reads once it has read `length` bytes. */
function read(client: net.Socket, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  return new Promise((resolve) => {
    client.on("data", function onData(chunk: Buffer) {
      chunks.push(chunk);
      received += chunk.length;
      if (received < length) return;
      client.off("data", onData);
      resolve(Buffer.concat(chunks));
    });
  });
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("a socket's batch of the turn", () => {
  let serverSide: net.Socket;
  let client: net.Socket;

  beforeEach(async () => ({ serverSide, client } = await socketPair()));
  afterEach(() => {
    serverSide.destroy();
    client.destroy();
  });

  test("what a socket is sent in one turn, text and bytes, leaves in one write at its end, in order", async () => {
    const writes = countWrites(serverSide);
    const arrived = read(client, 13);
    writeInTurn(serverSide, "one ");
    writeInTurn(serverSide, Buffer.from("two "));
    writeInTurn(serverSide, "three");
    expect(heldInTurn(serverSide)).toBe(13);
    expect(writes.count).toBe(0);
    await nextTurn();
    expect(heldInTurn(serverSide)).toBe(0);
    expect(String(await arrived)).toBe("one two three");
    expect(writes.count).toBe(1);
    writes.restore();
  });

  test("a batch of text alone is written as one string; the next turn's is a write of its own", async () => {
    const writes = countWrites(serverSide);
    const arrived = read(client, "a\r\nb\r\n".length);
    writeInTurn(serverSide, "a");
    writeInTurn(serverSide, "\r\n");
    await nextTurn();
    writeInTurn(serverSide, "b\r\n");
    await nextTurn();
    expect(String(await arrived)).toBe("a\r\nb\r\n");
    expect(writes.count).toBe(2);
    writes.restore();
  });

  test("past 64 KiB held in one turn, what the socket holds leaves at once", () => {
    const writes = countWrites(serverSide);
    const arrived = read(client, 70 * 1024);
    writeInTurn(serverSide, Buffer.alloc(60 * 1024, "a"));
    expect(writes.count).toBe(0);
    writeInTurn(serverSide, Buffer.alloc(10 * 1024, "b"));
    expect(writes.count).toBe(1);
    expect(heldInTurn(serverSide)).toBe(0);
    writes.restore();
    return arrived;
  });

  test("a socket ended in the turn has its batch written before its end", async () => {
    const arrived = read(client, "held, then the end".length);
    writeInTurn(serverSide, "held, ");
    serverSide.end("then the end");
    expect(String(await arrived)).toBe("held, then the end");
  });

  test("what is written in the turn the client's end arrives reaches it before the socket ends", async () => {
    writeInTurn(serverSide, "first ");
    await nextTurn();
    // Node ends a socket that does not allow half-open connections once the client's end arrives.
    serverSide.once("end", () => writeInTurn(serverSide, "last words"));
    const arrived = read(client, "first last words".length);
    client.end();
    expect(String(await arrived)).toBe("first last words");
  });

  test("each write's callback is called once the batch is written", async () => {
    const written: string[] = [];
    writeInTurn(serverSide, "x", () => written.push("first"));
    writeInTurn(serverSide, "y");
    writeInTurn(serverSide, "z", () => written.push("second"));
    const arrived = read(client, 3);
    const bothCalled = new Promise<void>((resolve) =>
      writeInTurn(serverSide, "", () => resolve()),
    );
    expect(written).toEqual([]);
    await bothCalled;
    expect(written).toEqual(["first", "second"]);
    expect(String(await arrived)).toBe("xyz");
  });

  test("the batch of a socket closed before the turn ends is dropped, its callbacks told why", async () => {
    const failed = new Promise<Error | null | undefined>((resolve) =>
      writeInTurn(serverSide, "never sent", resolve),
    );
    serverSide.destroy();
    const error = await failed;
    expect(error).toBeInstanceOf(Error);
    expect(heldInTurn(serverSide)).toBe(0);
  });
});
