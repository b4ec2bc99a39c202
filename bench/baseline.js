// The ceiling: a bare `ws` server with rooms as Sets, each message serialized once and the same text
// sent to every member. Speaks the benchmark's subset of the plugin's websocket protocol.
const { WebSocketServer } = require("ws");
const { answerProfileRequests } = require("./profile");

const rooms = new Map();
const server = new WebSocketServer({ port: Number(process.env.PORT) }, () =>
  process.send?.({ ready: true }),
);

server.on("connection", (socket) => {
  const joined = new Set();
  socket.on("message", (data) => {
    const request = JSON.parse(String(data));
    if (request.event === "roomAdd") {
      let members = rooms.get(request.room);
      if (!members) rooms.set(request.room, (members = new Set()));
      members.add(socket);
      joined.add(request.room);
      socket.send(
        JSON.stringify({ status: "OK", context: "response", data: true }),
      );
    } else if (request.event === "say") {
      const members = rooms.get(request.room);
      if (!members) return;
      const text = JSON.stringify({
        message: request.message,
        room: request.room,
        from: "0",
        context: "user",
        sentAt: Date.now(),
      });
      for (const member of members) member.send(text);
      socket.send(
        JSON.stringify({
          status: "OK",
          context: "response",
          messageId: request.messageId,
        }),
      );
    }
  });
  socket.on("close", () => {
    for (const room of joined) rooms.get(room)?.delete(socket);
  });
});
process.on("message", (message) => message === "stop" && process.exit(0));
answerProfileRequests();
