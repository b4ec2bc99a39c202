import { execFileSync, spawn } from "child_process";
import { once } from "events";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { api, config, Process } from "actionhero";
import { ChatSocketClient } from "../../src";
import { socketPort } from "../helpers/actionheroApp";
import { LineClient } from "../helpers/lineClient";

const actionhero = new Process();
let certificate: string;

/** A self-signed certificate for 127.0.0.1 and localhost, made for this test. */
function makeCertificate() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "ah-chat-tls-"));
  const [key, cert] = [
    path.join(folder, "key.pem"),
    path.join(folder, "cert.pem"),
  ];
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "ignore" },
  );
  return {
    key: fs.readFileSync(key, "utf8"),
    cert: fs.readFileSync(cert, "utf8"),
  };
}

describe("the socket server over TLS", () => {
  beforeAll(async () => {
    const { key, cert } = makeCertificate();
    certificate = cert;
    Object.assign(config, {
      socket: { secure: true, serverOptions: { key, cert } },
    });
    await actionhero.start();
    await api.chatRoom.add("vault");
  });
  afterAll(() => actionhero.stop());

  test("a TLS client that trusts the certificate chats", async () => {
    const client = new ChatSocketClient({
      port: socketPort(),
      tls: { ca: certificate },
    });
    await client.connect();
    await client.roomAdd("vault");
    const heard = client.nextSay();
    await api.chatRoom.broadcast({}, "vault", "over tls");
    expect((await heard).message).toBe("over tls");
    client.close();
  });

  test("a bare TLS connection gets the welcome line; a plain TCP one is closed unanswered", async () => {
    const secure = await LineClient.connect(socketPort(), { ca: certificate });
    expect((await secure.request("detailsView", 1)).data.id).toEqual(
      expect.any(String),
    );
    await secure.end();
    const plain = net.connect(socketPort(), "127.0.0.1");
    const received: Buffer[] = [];
    plain.on("data", (chunk: Buffer) => received.push(chunk));
    plain.on("error", () => undefined);
    plain.write("detailsView\n");
    await once(plain, "close");
    expect(Buffer.concat(received).toString()).not.toContain("welcome");
  });

  test("openssl s_client can talk to it", async () => {
    const session = spawn(
      "openssl",
      ["s_client", "-connect", `127.0.0.1:${socketPort()}`, "-quiet"],
      {
        stdio: ["pipe", "pipe", "ignore"],
      },
    );
    let output = "";
    const answered = new Promise<void>((resolve) =>
      session.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('"messageId":1')) resolve();
      }),
    );
    session.stdin.write("detailsView\n");
    await answered;
    session.kill();
    expect(output).toContain('"welcome"');
    expect(output).toMatch(/"status":"OK","data":\{"id":"[^"]+"/);
  });
});
