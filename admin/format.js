// How the page words times and counts.

/** "just now", "12 s ago", "3 min ago" or "2 h ago". */
export function ago(timestamp, now = Date.now()) {
  if (timestamp === null || timestamp === undefined) return "never";
  const seconds = Math.max(0, Math.round((now - timestamp) / 1000));
  if (seconds < 2) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

/** A time of day, with the date when it is not today. */
export function clockTime(timestamp) {
  if (typeof timestamp !== "number") return "–";
  const date = new Date(timestamp);
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString()
    : `${date.toLocaleDateString()} ${date.toLocaleTimeString()}`;
}

export function sum(counts) {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

/** "2 websocket · 1 socket", or "none". */
export function byType(counts) {
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `${count} ${type}`);
  return parts.length ? parts.join(" · ") : "none";
}

export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/** A stored detail as short text. */
export function detailText(value) {
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
