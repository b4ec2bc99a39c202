import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import Redis, { Cluster } from "ioredis";
import { RedisServer } from "./redisServer";

const run = promisify(execFile);

/** How long a master may be unreachable before its replica takes over, in ms (redis-server's default is 15 s). */
export const clusterNodeTimeout = 1000;

/** How long the cluster may take to form, or a replica to take over, before the test fails and says so. */
const readyWithin = 30_000;

/** `event`, or a failure naming what did not happen within `readyWithin`. */
function withinDeadline<T>(event: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`waited ${readyWithin} ms for ${what}`)),
      readyWithin,
    );
  });
  return Promise.race([event, deadline]).finally(() => clearTimeout(timer));
}

/**
 * A Redis Cluster of the tests' own: 3 masters and a replica each, real `redis-server`s on free loopback
 * ports, created with `redis-cli --cluster create` and ready (`cluster_state:ok`, every replica in sync).
 */
export class RedisCluster {
  private constructor(
    readonly servers: RedisServer[],
    private readonly directory: string,
  ) {}

  static async start(): Promise<RedisCluster> {
    const directory = fs.mkdtempSync(
      path.join(os.tmpdir(), "ah-chat-cluster-"),
    );
    const servers = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        RedisServer.start({
          serverArguments: [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            path.join(directory, `nodes-${n}.conf`),
            "--cluster-node-timeout",
            String(clusterNodeTimeout),
            "--dir",
            directory,
          ],
        }),
      ),
    );
    const cluster = new RedisCluster(servers, directory);
    const formed = cluster.formed();
    await run("redis-cli", [
      "--cluster",
      "create",
      ...cluster.nodes.map(({ host, port }) => `${host}:${port}`),
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
    await formed;
    return cluster;
  }

  /** The seeds to give a client: every server of the cluster. */
  get nodes() {
    return this.servers.map((server) => ({
      host: "127.0.0.1",
      port: server.port,
    }));
  }

  /** The seeds as the fixture app's CHAT_CLUSTER takes them: `host:port,host:port,...`. */
  get seeds() {
    return this.nodes.map(({ host, port }) => `${host}:${port}`).join(",");
  }

  /** A client of the whole cluster. */
  client() {
    return new Cluster(this.nodes);
  }

  /**
   * Resolves once, from now on, every server has logged that the cluster is ok and three replicas
   * that they are in sync with their masters.
   */
  private formed() {
    const logged = this.servers.map((server) => server.logged);
    const clusterOk = this.servers.map((server, n) =>
      server.printed("Cluster state changed: ok", logged[n]),
    );
    let synced = 0;
    const replicasSynced = new Promise<void>((resolve) =>
      this.servers.forEach((server, n) =>
        server
          .printed("MASTER <-> REPLICA sync: Finished with success", logged[n])
          .then(() => ++synced === 3 && resolve()),
      ),
    );
    return withinDeadline(
      Promise.all([...clusterOk, replicasSynced]),
      "the cluster to form, with a replica in sync for each master",
    );
  }

  /** The server that is master of the hash slot of `key`. */
  async masterOf(key: string): Promise<RedisServer> {
    const probe = this.liveServers()[0];
    const connection = probe.client();
    try {
      const slot = (await connection.call("cluster", "keyslot", key)) as number;
      const shards = (await connection.call("cluster", "slots")) as [
        number,
        number,
        [string, number],
      ][];
      const [, , [, port]] = shards.find(
        ([first, last]) => first <= slot && slot <= last,
      )!;
      return this.servers.find((server) => server.port === port)!;
    } finally {
      connection.disconnect();
    }
  }

  /** `PUBSUB SHARDNUMSUB channel` on the master of the channel's slot: `[channel, subscribers]`. */
  async shardSubscribers(channel: string): Promise<[string, number]> {
    const master = await this.masterOf(channel);
    return (await this.ask(master, "pubsub", "shardnumsub", channel)) as [
      string,
      number,
    ];
  }

  /** A room name, `candidate-<n>`, whose key `keyOf(room)` is on a master with a replica in sync. */
  async roomOnMasterWithReplica(keyOf: (room: string) => string) {
    for (let n = 0; ; n++) {
      const room = `candidate-${n}`;
      const master = await this.masterOf(keyOf(room));
      const replication = await this.info(master, "info", "replication");
      if (/slave0:.*state=online/.test(replication)) return room;
    }
  }

  /** The masters now, from the cluster's own view. */
  async masters(): Promise<RedisServer[]> {
    const roles = await Promise.all(
      this.liveServers().map(async (server) => ({
        server,
        info: await this.info(server, "info", "replication"),
      })),
    );
    return roles
      .filter(({ info }) => /role:master/.test(info))
      .map(({ server }) => server);
  }

  /**
   * Resolves once a replica has won the election to take over from `master`: call it before the
   * master is stopped, frozen or killed.
   */
  replicaTakesOver(master: RedisServer) {
    const others = this.servers.filter((server) => server !== master);
    return withinDeadline(
      Promise.race(
        others.map((server) => server.printed("Failover election won")),
      ),
      `a replica to take over from port ${master.port}`,
    );
  }

  async stop() {
    await Promise.all(this.servers.map((server) => server.stop()));
    fs.rmSync(this.directory, { recursive: true, force: true });
  }

  private liveServers() {
    return this.servers.filter((server) => server.running);
  }

  /** A section of `INFO` or `CLUSTER INFO` of one server ("" if it does not answer). */
  private async info(server: RedisServer, ...command: string[]) {
    return String((await this.ask(server, ...command)) ?? "");
  }

  /** One command to one server; null if it does not answer. */
  private async ask(server: RedisServer, ...command: string[]) {
    const connection = new Redis({
      host: "127.0.0.1",
      port: server.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      // A frozen (SIGSTOPped) server accepts connections and never answers.
      connectTimeout: 500,
      commandTimeout: 500,
      retryStrategy: () => null,
    });
    try {
      await connection.connect();
      return await connection.call(command[0], ...command.slice(1));
    } catch {
      return null;
    } finally {
      connection.disconnect();
    }
  }
}
