import { RoomTraffic } from "../../src/admin/roomTraffic";

describe("the admin page's count of each room's messages in the last minute", () => {
  let now = 1_000_000_000_000;
  const clock = () => now;

  test("counts each room's messages of the last 60 seconds, and forgets a room once it is quiet that long", () => {
    const traffic = new RoomTraffic(100, clock);
    traffic.record("lobby");
    traffic.record("lobby");
    now += 30_000;
    traffic.record("lobby");
    traffic.record("support");
    expect(traffic.perMinute()).toEqual(
      new Map([
        ["lobby", 3],
        ["support", 1],
      ]),
    );
    now += 30_500;
    expect(traffic.perMinute()).toEqual(
      new Map([
        ["lobby", 1],
        ["support", 1],
      ]),
    );
    now += 30_000;
    expect(traffic.perMinute()).toEqual(new Map());
  });

  test("holds at most maxRooms rooms: a new room waits until another has gone quiet", () => {
    const traffic = new RoomTraffic(2, clock);
    traffic.record("a");
    traffic.record("b");
    traffic.record("c");
    expect([...traffic.perMinute().keys()]).toEqual(["a", "b"]);
    now += 61_000;
    traffic.record("c");
    expect(traffic.perMinute()).toEqual(new Map([["c", 1]]));
  });
});
