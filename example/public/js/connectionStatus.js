// The connection's state in the header, as the client reports it.

const labels = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  disconnected: "Disconnected",
};

/** Shows `state`; a disconnected page offers to try again with `retry`. */
export function showConnectionState(state, retry) {
  const status = document.getElementById("status");
  status.dataset.state = state;
  document.body.dataset.state = state;
  document.getElementById("status-text").textContent = labels[state];
  const button = document.getElementById("retry");
  button.hidden = state !== "disconnected";
  button.onclick = retry;
}
