-- Adds a member to a room, if the room exists, and records which node holds it.
-- KEYS[1] the room (its generation)   KEYS[2] the room's members   KEYS[3] the room's holders
-- ARGV[1] connection id   ARGV[2] JSON member details   ARGV[3] id of the node holding the connection
-- Returns {1 added | 0 already a member | -1 no such room, the room's generation or ""}
local generation = redis.call('GET', KEYS[1])
if not generation then return {-1, ''} end
local added = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
if added == 1 then redis.call('HSET', KEYS[3], ARGV[1], ARGV[3]) end
return {added, generation}
