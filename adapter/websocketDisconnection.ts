import { api, type Connection } from "actionhero";
import { websocketServer } from "./websocketServer";

/**
 * Makes actionhero's websocket server find the connection of a spark that disconnected by the spark
 * itself, not by scanning every connection of the server: a scan per disconnection is O(N²) when N
 * connections drop at once (a deploy, a proxy restarting). It destroys the same connection the scan
 * would, once: the one of that spark, if actionhero still holds it. A spark that disconnects before
 * its connection is built (its create middleware still running) is left to the scan. Returns what
 * undoes it.
 */
export function destroyDisconnectedSparkDirectly(): () => void {
  const server = websocketServer();
  if (!server) return () => undefined;
  const handleDisconnection = server.handleDisconnection;
  const connectionOf = new WeakMap<object, Connection>();
  const remember = (connection: Connection) =>
    connectionOf.set(connection.rawConnection as object, connection);
  server.on("connection", remember);

  server.handleDisconnection = function destroyConnectionOfSpark(
    spark: object,
  ) {
    const connection = connectionOf.get(spark);
    if (!connection) return handleDisconnection.call(this, spark);
    // The scan looks among the connections actionhero holds: one already destroyed is not there.
    if (api.connections.connections[connection.id] === connection)
      void connection.destroy();
  };
  return () => {
    server.handleDisconnection = handleDisconnection;
    server.off("connection", remember);
  };
}
