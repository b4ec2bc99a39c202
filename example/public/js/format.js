// How the page shows people and times.

/** The name a member or sender goes by: the one it chose, or "Guest" and the start of its connection id. */
export function displayName(name, connectionId) {
  return typeof name === "string" && name !== ""
    ? name
    : `Guest ${String(connectionId).slice(0, 4)}`;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, {
  hour: "numeric",
  minute: "2-digit",
});
const dateAndTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});

/** A `<time>` element for a moment in ms: the time of day, with the full date on hover. */
export function timeElement(ms) {
  const time = document.createElement("time");
  const date = new Date(ms);
  time.dateTime = date.toISOString();
  time.textContent = timeOfDay.format(date);
  time.title = dateAndTime.format(date);
  return time;
}

/** What an error says, for a person. */
export function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}
