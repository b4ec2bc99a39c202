// The admin page: reads the whole cluster every few seconds from the node serving the page.

import { adminApi } from "./api.js";
import {
  renderNodes,
  renderRedis,
  renderRooms,
  renderSummary,
} from "./clusterView.js";
import { plural } from "./format.js";
import { RoomPanel } from "./roomPanel.js";

const refreshEvery = 3000;
const byId = (id) => document.getElementById(id);
const api = adminApi(document.body.dataset.base);
const status = byId("status");
const statusText = byId("status-text");
const filterInput = byId("room-filter");
const panel = new RoomPanel(api, () => refresh());
let report = null;

async function refresh() {
  try {
    report = await api.cluster();
  } catch (error) {
    status.dataset.state = "failing";
    statusText.textContent = `Not updating: ${error.message}`;
    return;
  }
  panel.knowNodes(report.nodes);
  renderSummary(report);
  renderNodes(report);
  renderRedis(report.redis);
  showRooms();
  status.dataset.state = "live";
  statusText.textContent = `Live · ${plural(report.nodes.length, "node")}`;
  status.title = `Read at ${new Date(report.at).toLocaleTimeString()}`;
}

function showRooms() {
  if (!report) return;
  renderRooms(report, {
    filter: filterInput.value.trim(),
    selected: panel.room,
    open: openRoom,
  });
}

/** Opens a room; the address keeps it, so a reload shows it again. */
function openRoom(room) {
  history.replaceState(null, "", `#room=${encodeURIComponent(room)}`);
  panel.open(room).then(showRooms);
  showRooms();
}

function roomInAddress() {
  const match = /^#room=(.+)$/.exec(location.hash);
  try {
    return match ? decodeURIComponent(match[1]) : null;
  } catch {
    return null;
  }
}

/** Reads again once the last read is done, never two at once. */
async function keepRefreshing() {
  await Promise.all([refresh(), panel.refresh()]);
  showRooms();
  setTimeout(keepRefreshing, refreshEvery);
}

filterInput.addEventListener("input", showRooms);
const initialRoom = roomInAddress();
if (initialRoom !== null) panel.open(initialRoom);
keepRefreshing();
