import * as path from "path";
import type { ChatConfig } from "../src/config";

// actionhero reads its config when first loaded, so say where it is before loading it.
process.env.ACTIONHERO_CONFIG ??= path.join(__dirname, "config");

async function main() {
  const { Process, api, config } = await import("actionhero");
  const app = new Process();
  await app.start();
  const web = api.servers.servers.web.server.address() as { port: number };
  console.log(
    `\nChat demo running. Websocket clients: http://localhost:${web.port}/`,
  );
  const socket = api.servers.servers.socket?.server?.address() as
    { port: number } | undefined;
  if (socket) console.log(`Socket clients: telnet localhost ${socket.port}`);
  const { metrics, health, admin } = config.chat as ChatConfig;
  const site = `http://localhost:${web.port}`;
  if (metrics.enabled)
    console.log(`Metrics (Prometheus): ${site}${metrics.path}`);
  console.log(`Health: ${site}${health.path}`);
  if (admin.token)
    console.log(`Admin page: ${site}${admin.path} (token: ${admin.token})`);
  const stop = () => app.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
