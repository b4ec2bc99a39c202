exports.DEFAULT = {
  routes: () => ({ get: [{ path: "/createRooms", action: "createRooms" }] }),
};
