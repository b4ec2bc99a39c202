// One room: its members with what is stored of them and the node holding each, and its actions.

import { confirmAction } from "./confirmDialog.js";
import { cell, element } from "./dom.js";
import { clockTime, detailText, plural } from "./format.js";
import { showToast } from "./toast.js";

const byId = (id) => document.getElementById(id);
/** Details the table shows in their own columns. */
const shownApart = new Set(["id", "joinedAt"]);

export class RoomPanel {
  /** `changed` is called after an action, so the cluster is read again. */
  constructor(api, changed) {
    this.api = api;
    this.changed = changed;
    this.room = null;
    this.nodeNames = new Map();
    byId("destroy").addEventListener("click", () => this.destroy());
    byId("broadcast-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.broadcast();
    });
  }

  /** Shows a room (null: none), and reads its members. */
  async open(room) {
    this.room = room;
    byId("no-room").hidden = room !== null;
    byId("room-details").hidden = room === null;
    if (room === null) return;
    byId("room-name").textContent = room;
    await this.refresh();
  }

  /** Shows no room, as after it was destroyed. */
  closed() {
    history.replaceState(null, "", location.pathname);
    this.open(null);
  }

  /** Names nodes by actionhero id, from the last cluster report. */
  knowNodes(nodes) {
    this.nodeNames = new Map(
      nodes.map((node) => [node.nodeId, node.serverId ?? node.nodeId]),
    );
  }

  async refresh() {
    const room = this.room;
    if (room === null) return;
    try {
      const status = await this.api.room(room);
      if (this.room === room) this.render(status);
    } catch (error) {
      if (this.room !== room) return;
      showToast(`Room "${room}": ${error.message}`, "error");
      this.closed();
    }
  }

  render(status) {
    byId("room-count").textContent = plural(status.membersCount, "member");
    const rows = status.members.map((member) => {
      const row = element("tr");
      row.dataset.memberId = member.id;
      const node = element(
        "span",
        "",
        member.nodeId
          ? (this.nodeNames.get(member.nodeId) ?? member.nodeId)
          : "unknown",
      );
      if (member.nodeId) node.title = member.nodeId;
      const remove = element("button", "danger small remove", "Remove");
      remove.type = "button";
      remove.addEventListener("click", () => this.removeMember(member.id));
      row.append(
        cell("Member", element("span", "member-id", member.id), "lead"),
        cell("Node", node, "nowrap"),
        cell("Joined", clockTime(member.details.joinedAt), "nowrap"),
        cell("Details", detailsList(member.details)),
        cell("", remove, "actions-cell"),
      );
      return row;
    });
    byId("members").tBodies[0].replaceChildren(...rows);
    byId("no-members").hidden = rows.length > 0;
  }

  async removeMember(connectionId) {
    const room = this.room;
    const confirmed = await confirmAction({
      heading: `Remove ${connectionId} from #${room}?`,
      body: "The connection leaves the room (its leave middleware runs) and is told it was removed. It stays connected and may join again.",
      confirmLabel: "Remove member",
      danger: true,
    });
    if (!confirmed) return;
    await this.act(async () => {
      const { removed } = await this.api.removeMember(room, connectionId);
      return removed
        ? `Removed ${connectionId} from #${room}.`
        : `${connectionId} was no longer in #${room}.`;
    });
  }

  async broadcast() {
    const room = this.room;
    const input = byId("broadcast-text");
    const message = input.value.trim();
    if (!message) return;
    const confirmed = await confirmAction({
      heading: `Broadcast to #${room}?`,
      body: `Every member of the room, on every node, receives:\n\n“${message}”`,
      confirmLabel: "Broadcast",
    });
    if (!confirmed) return;
    await this.act(async () => {
      await this.api.broadcast(room, message);
      input.value = "";
      return `Broadcast to #${room}.`;
    });
  }

  async destroy() {
    const room = this.room;
    const confirmed = await confirmAction({
      heading: `Destroy #${room}?`,
      body: "The room and all its members go, on every node: each member's leave middleware runs and each is told. This cannot be undone.",
      confirmLabel: "Destroy room",
      danger: true,
      mustType: room,
    });
    if (!confirmed) return;
    await this.act(async () => {
      await this.api.destroy(room);
      if (this.room === room) this.closed();
      return `Destroyed #${room}.`;
    });
  }

  /** Runs an action, says what it did, and reads the cluster and the room again; true if it succeeded. */
  async act(action) {
    try {
      showToast(await action());
      return true;
    } catch (error) {
      showToast(error.message, "error");
      return false;
    } finally {
      await Promise.all([this.changed(), this.refresh()]);
    }
  }
}

/** Every stored detail but those shown in their own columns. */
function detailsList(details) {
  const list = element("dl", "details");
  for (const [key, value] of Object.entries(details)) {
    if (shownApart.has(key)) continue;
    const pair = element("div");
    pair.append(element("dt", "", key), element("dd", "", detailText(value)));
    list.append(pair);
  }
  if (!list.children.length) list.append(element("dd", "muted", "–"));
  return list;
}
