// The cluster as the last report shows it: figures, nodes, Redis and rooms.

import { cell, element, pill } from "./dom.js";
import { ago, byType, plural, sum } from "./format.js";

const byId = (id) => document.getElementById(id);

export function renderSummary(report) {
  const answered = report.nodes.filter((node) => node.answered);
  byId("stat-nodes").textContent = report.nodes.length;
  byId("stat-connections").textContent = answered.reduce(
    (total, node) => total + sum(node.connections),
    0,
  );
  byId("stat-rooms").textContent = report.rooms.length;
  byId("stat-messages").textContent = report.rooms.reduce(
    (total, room) => total + room.messagesPerMinute,
    0,
  );
  const problem = byId("problem");
  problem.hidden = !report.problem;
  problem.textContent = report.problem ?? "";
}

export function renderNodes(report) {
  const rows = report.nodes.map((node) => {
    const row = element("tr");
    row.dataset.nodeId = node.nodeId;
    const name = element("div");
    name.append(element("span", "node-name", node.serverId ?? node.nodeId));
    if (node.self) name.append(pill("this page", "you"));
    const nodeId = element("span", "node-id", node.nodeId);
    nodeId.title = node.nodeId;
    name.append(nodeId);
    row.append(cell("Node", name, "lead"));
    if (!node.answered) {
      const silent = cell("Chat", pill("no answer", "bad"));
      silent.title = node.error;
      row.append(silent, cell("", element("span", "sub", node.error)));
      row.lastChild.colSpan = 4;
      return row;
    }
    const chat = node.available
      ? pill("available", "ok")
      : pill("unavailable", "bad");
    if (!node.available) chat.title = node.unavailableReason ?? "";
    const connections = element("span", "", sum(node.connections));
    connections.append(element("span", "sub", byType(node.connections)));
    row.append(
      cell("Chat", chat),
      cell("Connections", connections, "number connections"),
      cell("Memberships", node.memberships, "number memberships"),
      cell(
        "Rooms",
        node.rooms.filter((room) => room.members > 0).length,
        "number",
      ),
      cell("Liveness", ago(node.livenessRefreshedAt, report.at), "nowrap"),
    );
    return row;
  });
  byId("nodes").tBodies[0].replaceChildren(...rows);
}

export function renderRedis(redis) {
  const state = byId("redis-state");
  state.className = redis.reachable ? "pill ok" : "pill bad";
  state.textContent = redis.reachable ? "reachable" : "unreachable";
  const modes = {
    memory: "in memory (this process only)",
    single: "one server",
    split: "two servers: rooms on one, messages on the other",
    cluster: "Redis Cluster",
  };
  const facts = [
    ["Mode", modes[redis.mode] ?? redis.mode],
    ["Rooms and members", redis.rooms],
    ["Messages", redis.messages],
  ];
  if (redis.masters)
    facts.push(["Masters", plural(redis.masters.length, "master")]);
  byId("redis").replaceChildren(
    ...facts.flatMap(([term, value]) => [
      element("dt", "", term),
      element("dd", "", value),
    ]),
  );
  const masters = byId("masters");
  masters.hidden = !redis.masters;
  masters.replaceChildren(
    ...(redis.masters ?? []).map((master) => {
      const item = element("li");
      item.append(
        pill(
          `${master.address} ${master.connected ? "connected" : "not connected"}`,
          master.connected ? "ok" : "bad",
        ),
      );
      return item;
    }),
  );
}

/** The rooms, busiest first, those matching the filter; a click on one opens it. */
export function renderRooms(report, { filter, selected, open }) {
  const shown = report.rooms.filter((room) =>
    room.room.toLowerCase().includes(filter.toLowerCase()),
  );
  const rows = shown.map((room) => {
    const row = element("tr", "room-row");
    row.dataset.room = room.room;
    row.setAttribute("aria-selected", String(room.room === selected));
    const link = element("button", "room-link", room.room);
    link.type = "button";
    row.addEventListener("click", () => open(room.room));
    row.append(
      cell("Room", link, "lead"),
      cell("Members", room.members, "number members"),
      cell("Messages / min", room.messagesPerMinute, "number rate"),
      cell("Nodes", room.nodeIds.length, "number"),
    );
    return row;
  });
  byId("rooms").tBodies[0].replaceChildren(...rows);
  const empty = byId("no-rooms");
  empty.hidden = shown.length > 0;
  empty.textContent = report.rooms.length
    ? "No room matches the filter."
    : "No rooms yet.";
}
