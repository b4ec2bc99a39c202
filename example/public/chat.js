// The demo page: actionhero's websocket client, the chat verbs, and the demo's two actions.
/* global ActionheroWebsocketClient */
const client = new ActionheroWebsocketClient();
const rooms = new Map(); // room name → { element, members: Set of presence keys, shown: Set of message ids }
let myName; // the name logged in with: this page's presence key in rooms joined since

const byId = (id) => document.getElementById(id);

function showError(text) {
  const error = byId("error");
  error.textContent = text;
  error.hidden = false;
}

function clearError() {
  byId("error").hidden = true;
}

/** Runs a verb or action and calls back with its data, or shows its error. */
function request(call, onData) {
  clearError();
  call((response) => {
    if (response.error)
      return showError(String(response.error).replace(/^\w*Error: /, ""));
    onData(response);
  });
}

function renderMembers(room) {
  const { element, members } = rooms.get(room);
  const list = element.querySelector(".members");
  list.replaceChildren(
    ...[...members].sort().map((id) => {
      const item = document.createElement("li");
      const me = id === client.id || id === myName;
      item.textContent = me ? `${id} (you)` : id;
      if (me) item.className = "me";
      return item;
    }),
  );
}

/** Adds a message at the end, or, `before` the first, where a room's history goes. */
function addMessage(room, from, text, notice, before) {
  const list = rooms.get(room).element.querySelector(".messages");
  const item = document.createElement("li");
  if (notice) item.className = "notice";
  const sender = document.createElement("span");
  sender.className = "from";
  sender.textContent =
    from === "0" ? "" : from === client.id ? "you" : from.slice(0, 8);
  item.append(sender, typeof text === "string" ? text : JSON.stringify(text));
  if (before) list.insertBefore(item, before);
  else list.append(item);
  list.scrollTop = list.scrollHeight;
}

/** A message of the room, once: one may come both live and in the history read on joining. */
function showMessage(room, message, before) {
  const { shown } = rooms.get(room);
  if (message.id !== undefined) {
    if (shown.has(message.id)) return;
    shown.add(message.id);
  }
  addMessage(room, message.from, message.message, message.from === "0", before);
}

function openRoom(room, members) {
  const element =
    byId("room-template").content.firstElementChild.cloneNode(true);
  element.dataset.room = room;
  element.querySelector(".room-name").textContent = room;
  element.querySelector(".leave").addEventListener("click", () =>
    request(
      (done) => client.roomLeave(room, done),
      () => closeRoom(room),
    ),
  );
  element.querySelector(".say").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = element.querySelector(".say-text");
    request(
      (done) => client.say(room, input.value, done),
      () => (input.value = ""),
    );
  });
  byId("rooms").append(element);
  rooms.set(room, { element, members: new Set(members), shown: new Set() });
  renderMembers(room);
  // The room's recent messages go before anything that arrived since the page joined.
  request(
    (done) => client.action("roomHistory", { room }, done),
    ({ messages }) => {
      if (!rooms.has(room)) return;
      const first = element.querySelector(".messages li");
      for (const message of messages) showMessage(room, message, first);
    },
  );
}

function closeRoom(room) {
  rooms.get(room)?.element.remove();
  rooms.delete(room);
}

function join(room) {
  if (rooms.has(room)) return;
  request(
    (done) => client.roomAdd(room, done),
    () =>
      request(
        (done) => client.action("roomPresence", { room }, done),
        ({ members }) => openRoom(room, Object.keys(members)),
      ),
  );
}

client.on("say", (message) => {
  const { room } = message;
  if (!rooms.has(room)) return;
  showMessage(room, message);
  if (message.from === "0" && /was destroyed$/.test(String(message.message)))
    closeRoom(room);
});

// Presence events (config.chat.presence.events): a presence key's first join and last leave of a room.
client.on("message", (message) => {
  if (message.context !== "presence" || !rooms.has(message.room)) return;
  const { members } = rooms.get(message.room);
  if (message.event === "join") members.add(message.key);
  if (message.event === "leave") members.delete(message.key);
  renderMembers(message.room);
  addMessage(
    message.room,
    "0",
    `${message.key.slice(0, 8)} ${message.event === "join" ? "joined" : "left"}`,
    true,
  );
});

byId("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  join(byId("room-name").value.trim());
});

byId("create").addEventListener("click", () => {
  const room = byId("room-name").value.trim();
  request(
    (done) => client.action("createRoom", { room }, done),
    () => join(room),
  );
});

byId("log-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  request(
    (done) =>
      client.action(
        "logIn",
        { password: byId("password").value, name: byId("name").value },
        done,
      ),
    ({ name }) => {
      myName = name;
      byId("password").value = "";
      byId("logged-in").hidden = false;
    },
  );
});

client.connect((error, details) => {
  if (error) return showError(`could not connect: ${error}`);
  byId("status").textContent = `connected as ${details.data.id}`;
  document.body.dataset.connectionId = details.data.id;
  join("lobby");
});
