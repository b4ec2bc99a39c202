// One room's panel: its messages, who is in it, and the box to say something.
import { displayName, timeElement } from "./format.js";
import { clearError, withErrorShown } from "./fieldError.js";

const template = document.getElementById("room-template");

/**
 * The lines (messages and notices) a room keeps: 500, as many as anyone scrolls back through. Older
 * ones go, so that a page left open for days stays as small as a new one.
 */
export const keptLines = 500;

export class RoomView {
  /**
   * @param {string} room
   * @param {{ isMyConnection(id: string): boolean, isMyKey(key: string): boolean,
   *   say(text: string): Promise<unknown>, leave(): Promise<unknown> }} page
   */
  constructor(room, page) {
    this.room = room;
    this.page = page;
    /** Presence key → the name it goes by. */
    this.members = new Map();
    /** Ids of the messages listed: a message may come both live and in the history read on joining. */
    this.shownIds = new Set();
    this.element = template.content.firstElementChild.cloneNode(true);
    this.element.dataset.room = room;
    this.element.setAttribute("aria-label", `Room ${room}`);
    this.part(".room-name").textContent = room;
    this.messages = this.part(".messages");
    this.input = this.part(".say-text");
    this.input.placeholder = `Message ${room}`;
    this.sayError = this.part(".say-error");
    this.part(".say").addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.input.addEventListener("input", () => clearError(this.sayError));
    this.part(".leave").addEventListener("click", () =>
      withErrorShown(this.sayError, () => page.leave()),
    );
  }

  part(selector) {
    return this.element.querySelector(selector);
  }

  async send() {
    const text = this.input.value.trim();
    if (text === "") return;
    const sent = await withErrorShown(this.sayError, async () => {
      await this.page.say(text);
      return true;
    });
    if (sent) this.input.value = "";
  }

  show(visible) {
    this.element.hidden = !visible;
  }

  focus() {
    this.input.focus();
  }

  /** A room message; true if it was not shown yet. `before`: where a room's history goes. */
  showMessage(payload, before = null) {
    if (payload.id !== undefined) {
      if (this.shownIds.has(payload.id)) return false;
      this.shownIds.add(payload.id);
    }
    const item =
      payload.from === "0"
        ? this.notice(String(payload.message), payload.sentAt)
        : this.messageItem(payload);
    if (payload.id !== undefined) item.dataset.id = payload.id;
    this.insert(item, before);
    return true;
  }

  /** A message from a member: who, when, what. */
  messageItem(payload) {
    const item = document.createElement("li");
    item.className = "message";
    if (this.page.isMyConnection(payload.from)) item.classList.add("own");
    const meta = document.createElement("div");
    meta.className = "meta";
    const from = document.createElement("span");
    from.className = "from";
    from.textContent = displayName(payload.name, payload.from);
    meta.append(from, timeElement(payload.sentAt));
    const text = document.createElement("p");
    text.className = "text";
    text.textContent =
      typeof payload.message === "string"
        ? payload.message
        : JSON.stringify(payload.message);
    item.append(meta, text);
    return item;
  }

  /** The room's recent messages, before whatever arrived since the page joined. */
  showHistory(messages) {
    const first = this.messages.firstElementChild;
    for (const payload of messages) this.showMessage(payload, first);
  }

  showNotice(text, sentAt = Date.now()) {
    this.insert(this.notice(text, sentAt));
  }

  notice(text, sentAt) {
    const item = document.createElement("li");
    item.className = "notice";
    item.append(text, " · ", timeElement(sentAt));
    return item;
  }

  insert(item, before = null) {
    // Follow new messages only when the reader is at the bottom, not while they read back.
    const list = this.messages;
    const atBottom =
      list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.insertBefore(item, before);
    this.dropOldestLines();
    if (atBottom || before) list.scrollTop = list.scrollHeight;
  }

  /** Past `keptLines`, the oldest lines go, and their ids with them. */
  dropOldestLines() {
    while (this.messages.childElementCount > keptLines) {
      const oldest = this.messages.firstElementChild;
      this.shownIds.delete(oldest.dataset.id);
      oldest.remove();
    }
  }

  /** Everyone in the room, from `roomPresence`: presence key → `{ name? }`. */
  setMembers(members) {
    this.members = new Map(
      Object.entries(members).map(([key, { name }]) => [key, name]),
    );
    this.renderMembers();
  }

  /** A presence event: someone arrived or is gone (the page knows when it comes and goes itself). */
  memberChanged({ event, key, member, sentAt }) {
    if (event === "join") this.members.set(key, member.name);
    else this.members.delete(key);
    this.renderMembers();
    if (this.page.isMyKey(key)) return;
    const name = displayName(member.name, key);
    this.insert(
      this.notice(`${name} ${event === "join" ? "joined" : "left"}`, sentAt),
    );
  }

  renderMembers() {
    const people = [...this.members].map(([key, name]) => ({
      key,
      label: displayName(name, key),
    }));
    people.sort((a, b) => a.label.localeCompare(b.label));
    this.part(".members").replaceChildren(
      ...people.map(({ key, label }) => {
        const item = document.createElement("li");
        item.textContent = label;
        if (this.page.isMyKey(key)) {
          item.className = "me";
          item.append(" (you)");
        }
        return item;
      }),
    );
    this.part(".member-count").textContent =
      people.length === 1 ? "1 member" : `${people.length} members`;
  }
}
