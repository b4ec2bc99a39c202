import type { TlsOptions } from "tls";

/** `config.socket`: the plugin's TCP/TLS server, as actionhero reads a server's settings from `config[type]`. */
export type SocketServerConfig = {
  enabled: boolean;
  /**
   * Port to listen on; the environment variable SOCKET_PORT overrides the default: 5000, or under
   * NODE_ENV=test 0 (a free port), so that test runs never collide.
   */
  port: number;
  /** Address to listen on: "0.0.0.0" for every IPv4 interface, "::" for IPv6 too. */
  bindIP: string;
  /** Serve TLS instead of plain TCP, with `serverOptions` (at least `key` and `cert`). */
  secure: boolean;
  serverOptions: TlsOptions;
  /** What ends a request line; "\r\n" is accepted when it is "\n". */
  delimiter: string;
  /** Longest request line, in characters; a longer one is refused and dropped. */
  maxDataLength: number;
  /** TCP keep-alive probes after this many ms of silence (0 turns them off). */
  keepAliveInterval: number;
};

export const defaultSocketServerConfig = (
  env: NodeJS.ProcessEnv = process.env,
): SocketServerConfig => ({
  enabled: true,
  port: Number(env.SOCKET_PORT ?? (env.NODE_ENV === "test" ? 0 : 5000)),
  bindIP: "0.0.0.0",
  secure: false,
  serverOptions: {},
  delimiter: "\n",
  maxDataLength: 64 * 1024,
  keepAliveInterval: 30 * 1000,
});
