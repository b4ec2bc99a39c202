// The demo page: actionhero's websocket client, the chat verbs, and the demo's two actions.
/* global ActionheroWebsocketClient */
const client = new ActionheroWebsocketClient();
const rooms = new Map(); // room name → { element, members: Set of connection ids }

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
      item.textContent = id === client.id ? `${id} (you)` : id;
      if (id === client.id) item.className = "me";
      return item;
    }),
  );
}

function addMessage(room, from, text, notice) {
  const list = rooms.get(room).element.querySelector(".messages");
  const item = document.createElement("li");
  if (notice) item.className = "notice";
  const sender = document.createElement("span");
  sender.className = "from";
  sender.textContent =
    from === "0" ? "" : from === client.id ? "you" : from.slice(0, 8);
  item.append(sender, typeof text === "string" ? text : JSON.stringify(text));
  list.append(item);
  list.scrollTop = list.scrollHeight;
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
  rooms.set(room, { element, members: new Set(members) });
  renderMembers(room);
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
        (done) => client.roomView(room, done),
        (view) => openRoom(room, Object.keys(view.data.members)),
      ),
  );
}

client.on("say", (message) => {
  const { room } = message;
  if (!rooms.has(room)) return;
  const presence = message.message && message.message.presence;
  if (presence) {
    const { members } = rooms.get(room);
    if (presence === "joined") members.add(message.message.id);
    if (presence === "left") members.delete(message.message.id);
    renderMembers(room);
    return addMessage(
      room,
      "0",
      `${message.message.id.slice(0, 8)} ${presence}`,
      true,
    );
  }
  addMessage(room, message.from, message.message, message.from === "0");
  if (message.from === "0" && /was destroyed$/.test(String(message.message)))
    closeRoom(room);
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
      client.action("logIn", { password: byId("password").value }, done),
    () => (byId("logged-in").hidden = false),
  );
});

client.connect((error, details) => {
  if (error) return showError(`could not connect: ${error}`);
  byId("status").textContent = `connected as ${details.data.id}`;
  document.body.dataset.connectionId = details.data.id;
  join("lobby");
});
