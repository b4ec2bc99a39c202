// Who the page is: the name it chose (kept in the browser for next time) and its staff log-in.

const nameKey = "ah-chat-demo:name";

export const identity = {
  /** The chosen name, or undefined: then the page goes by "Guest" and its connection id. */
  name: localStorage.getItem(nameKey) ?? undefined,
  /** logIn's token, kept in memory only: it logs the page in again after a reconnect. */
  logInToken: undefined,

  rememberName(name) {
    this.name = name;
    localStorage.setItem(nameKey, name);
  },
};
