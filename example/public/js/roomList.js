// The list of the page's rooms: which one is shown, and how many messages each has that were not seen.

export class RoomList {
  /** @param {HTMLElement} list @param {(room: string) => void} onChoose */
  constructor(list, onChoose) {
    this.list = list;
    this.onChoose = onChoose;
    /** Room → its button in the list. */
    this.buttons = new Map();
    /** Room → how many messages arrived while another room was shown. */
    this.unread = new Map();
    this.current = undefined;
  }

  add(room) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "room-link";
    button.dataset.room = room;
    const name = document.createElement("span");
    name.className = "room-link-name";
    name.textContent = room;
    const badge = document.createElement("span");
    badge.className = "unread";
    badge.hidden = true;
    button.append(name, badge);
    button.addEventListener("click", () => this.onChoose(room));
    item.append(button);
    this.list.append(item);
    this.buttons.set(room, button);
  }

  remove(room) {
    this.buttons.get(room)?.parentElement.remove();
    this.buttons.delete(room);
    this.unread.delete(room);
    if (this.current === room) this.current = undefined;
  }

  /** Marks the room shown, and its messages seen. */
  select(room) {
    this.current = room;
    for (const [each, button] of this.buttons)
      button.setAttribute("aria-current", String(each === room));
    this.setUnread(room, 0);
  }

  /** One more message in a room that is not shown. */
  countUnread(room) {
    if (room !== this.current)
      this.setUnread(room, (this.unread.get(room) ?? 0) + 1);
  }

  setUnread(room, count) {
    this.unread.set(room, count);
    const badge = this.buttons.get(room)?.querySelector(".unread");
    if (!badge) return;
    badge.hidden = count === 0;
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.setAttribute("aria-label", `${count} unread`);
  }

  /** The room `step` places after (or before, if negative) the one shown, going round. */
  neighbour(step) {
    const rooms = [...this.buttons.keys()];
    if (rooms.length === 0) return undefined;
    const index = rooms.indexOf(this.current);
    return rooms[(index + step + rooms.length) % rooms.length];
  }

  first() {
    return this.buttons.keys().next().value;
  }
}
