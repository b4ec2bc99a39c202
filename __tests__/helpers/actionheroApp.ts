import type { AddressInfo } from "net";
import { api } from "actionhero";

/** The URL of the in-process actionhero's web (and websocket) server. */
export function webUrl() {
  const address = api.servers.servers.web.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}
