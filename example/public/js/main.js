// The demo's chat page: the plugin's browser client (/public/ah-chat-client.js, the global AhChat)
// and the demo's actions (setName, logIn, resumeLogIn, createRoom, roomPresence, roomHistory).
import { showConnectionState } from "./connectionStatus.js";
import { showError, withErrorShown } from "./fieldError.js";
import { displayName, errorText } from "./format.js";
import { identity } from "./identity.js";
import { RoomList } from "./roomList.js";
import { RoomView } from "./roomView.js";

const { ChatBrowserClient } = window.AhChat;
const byId = (id) => document.getElementById(id);
const joinError = byId("join-error");
const nameError = byId("name-error");
const logInError = byId("log-in-error");

const client = new ChatBrowserClient({
  // A new connection knows nothing of the old one: name it and log it in before it rejoins its
  // rooms (through `self`: until the client is connected again, it refuses any other request).
  beforeRejoin: async (self) => {
    if (identity.name)
      await withErrorShown(nameError, () =>
        self.action("setName", { name: identity.name }),
      );
    if (identity.logInToken)
      await withErrorShown(logInError, () =>
        self.action("resumeLogIn", { token: identity.logInToken }),
      );
  },
});

/** Room → its panel. */
const views = new Map();
const roomList = new RoomList(byId("room-list"), (room) =>
  showRoom(room, { focus: true }),
);
const isMyKey = (key) => key === (identity.name ?? client.id);

function showRoom(room, { focus }) {
  for (const [each, view] of views) view.show(each === room);
  roomList.select(room);
  byId("no-room").hidden = true;
  if (focus) views.get(room)?.focus();
}

function openRoom(room) {
  const view = new RoomView(room, {
    isMyConnection: (id) => id === client.id,
    isMyKey,
    say: (text) => client.say(room, text),
    leave: async () => {
      await client.roomLeave(room);
      closeRoom(room);
    },
  });
  views.set(room, view);
  roomList.add(room);
  byId("rooms").append(view.element);
  enableRequests(client.state === "connected");
  return view;
}

function closeRoom(room) {
  const wasShown = roomList.current === room;
  views.get(room)?.element.remove();
  views.delete(room);
  roomList.remove(room);
  if (!wasShown) return;
  const next = roomList.first();
  if (next) showRoom(next, { focus: false });
  else byId("no-room").hidden = false;
}

/** Who is in the room and what it said lately. */
async function loadRoom(view) {
  const [presence, history] = await Promise.all([
    client.action("roomPresence", { room: view.room }),
    client.action("roomHistory", { room: view.room }),
  ]);
  view.setMembers(presence.members);
  view.showHistory(history.messages);
}

async function joinRoom(room, { create = false, focus = true } = {}) {
  if (views.has(room)) return showRoom(room, { focus });
  if (create) await client.action("createRoom", { room });
  await client.roomAdd(room);
  const view = openRoom(room);
  showRoom(room, { focus });
  await loadRoom(view);
}

/** Buttons that send a request wait for a connection. */
function enableRequests(connected) {
  for (const button of document.querySelectorAll("[data-needs-connection]"))
    button.disabled = !connected;
}

// ---- what the server tells the page ----

client.on("state", (state) => {
  showConnectionState(state, start);
  enableRequests(state === "connected");
});

client.on("say", (payload) => {
  const view = views.get(payload.room);
  if (!view) return;
  if (view.showMessage(payload) && payload.from !== client.id)
    roomList.countUnread(payload.room);
});

const removalTexts = {
  roomDestroyed: (room) => `${room} was destroyed`,
  memberRemoved: (room) => `You were removed from ${room}`,
};

client.on("removed", (room, reason) => {
  closeRoom(room);
  showError(joinError, removalTexts[reason](room));
});

client.on("presence", (event) => views.get(event.room)?.memberChanged(event));

client.on("reconnect", () => {
  byId("name").placeholder = displayName(undefined, client.id);
  // Who is in each room may have changed while the page was away.
  for (const view of views.values())
    client.action("roomPresence", { room: view.room }).then(
      ({ members }) => view.setMembers(members),
      () => undefined,
    );
});

client.on("recovered", (room) =>
  views.get(room)?.showNotice("Reconnected: nothing missed"),
);

client.on("gap", (room) => {
  const view = views.get(room);
  if (!view) return;
  view.showNotice("Reconnected: some messages may be missing");
  withErrorShown(view.sayError, async () =>
    view.showHistory((await client.action("roomHistory", { room })).messages),
  );
});

client.on("rejoinFailed", (room, error) => {
  closeRoom(room);
  showError(joinError, `Left ${room}: ${errorText(error)}`);
});

client.on("error", (error) => showError(joinError, error));

// ---- what the person does ----

byId("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  submitRoom({ create: false });
});
byId("create").addEventListener("click", () => submitRoom({ create: true }));

async function submitRoom({ create }) {
  const input = byId("room-name");
  const room = input.value.trim();
  if (room === "") return input.reportValidity();
  const joined = await withErrorShown(joinError, async () => {
    await joinRoom(room, { create });
    return true;
  });
  if (joined) input.value = "";
}

byId("name-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = byId("name");
  await withErrorShown(nameError, async () => {
    const { name } = await client.action("setName", { name: input.value });
    input.value = name;
    if (name === identity.name) return;
    identity.rememberName(name);
    // A room lists a member by the name it joined with: join each room again under the new one.
    for (const view of views.values()) {
      await client.roomLeave(view.room);
      await client.roomAdd(view.room);
      const { members } = await client.action("roomPresence", {
        room: view.room,
      });
      view.setMembers(members);
    }
  });
});

byId("log-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const password = byId("password");
  await withErrorShown(logInError, async () => {
    try {
      const { token } = await client.action("logIn", {
        password: password.value,
      });
      identity.logInToken = token;
      byId("log-in-fields").hidden = true;
      byId("logged-in").hidden = false;
    } finally {
      password.value = "";
    }
  });
});

// Alt+↑ and Alt+↓ go through the rooms.
document.addEventListener("keydown", (event) => {
  if (!event.altKey || !["ArrowUp", "ArrowDown"].includes(event.key)) return;
  const room = roomList.neighbour(event.key === "ArrowDown" ? 1 : -1);
  if (room === undefined) return;
  event.preventDefault();
  showRoom(room, { focus: true });
});

async function start() {
  try {
    await client.connect();
  } catch (error) {
    return showError(joinError, `Could not connect: ${errorText(error)}`);
  }
  const nameInput = byId("name");
  nameInput.placeholder = displayName(undefined, client.id);
  nameInput.value = identity.name ?? "";
  if (identity.name)
    await withErrorShown(nameError, () =>
      client.action("setName", { name: identity.name }),
    );
  await withErrorShown(joinError, () => joinRoom("lobby", { focus: false }));
}

start();
