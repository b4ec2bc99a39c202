import * as path from "path";

// actionhero reads its config when first loaded, so say where it is before loading it.
process.env.ACTIONHERO_CONFIG ??= path.join(__dirname, "config");

async function main() {
  const { Process, api } = await import("actionhero");
  const app = new Process();
  await app.start();
  const web = api.servers.servers.web.server.address() as { port: number };
  console.log(
    `\nChat demo running. Websocket clients: http://localhost:${web.port}/`,
  );
  const socket = api.servers.servers.socket?.server?.address() as
    { port: number } | undefined;
  if (socket) console.log(`Socket clients: telnet localhost ${socket.port}`);
  const stop = () => app.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
