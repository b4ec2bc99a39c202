-- Removes a room and all its members at once.
-- KEYS[1] the room (its generation)   KEYS[2] the room's members   KEYS[3] the room's holders
-- KEYS[4] the room's presence   KEYS[5] the room's presence keys
-- Returns (through reply, in chunks) {the room's generation or "" when there was no room, connection id, node id, connection id, node id, ...}
local generation = redis.call('GET', KEYS[1]) or ''
local result = {generation}
local held = redis.call('HGETALL', KEYS[3])
for i = 1, #held do result[i + 1] = held[i] end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return reply(result)
