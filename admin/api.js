// The admin page's JSON API, relative to the page's path. The session cookie goes along by itself.

export function adminApi(base) {
  const request = async (method, path, body) => {
    const response = await fetch(`${base}/api/${path}`, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {
      // Logged out (or the token changed): the page itself shows the log-in form.
      location.reload();
      throw new Error("the admin session ended: log in again");
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok)
      throw new Error(data.error ?? `the server answered ${response.status}`);
    return data;
  };
  const room = (name) => `rooms/${encodeURIComponent(name)}`;
  return {
    cluster: () => request("GET", "cluster"),
    room: (name) => request("GET", room(name)),
    removeMember: (name, connectionId) =>
      request("POST", `${room(name)}/remove-member`, { connectionId }),
    destroy: (name) => request("POST", `${room(name)}/destroy`, {}),
    broadcast: (name, message) =>
      request("POST", `${room(name)}/broadcast`, { message }),
  };
}
