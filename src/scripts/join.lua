-- Adds a member to a room, if the room exists, records which node holds it, and counts it in its
-- presence key's connections.
-- KEYS[1] the room (its generation)   KEYS[2] the room's members   KEYS[3] the room's holders
-- KEYS[4] the room's presence (presence key to its number of connections)   KEYS[5] the room's
--         presence keys (connection id to presence key)
-- ARGV[1] connection id   ARGV[2] JSON member details   ARGV[3] id of the node holding the connection
-- ARGV[4] the member's presence key
-- Returns {1 added | 0 already a member | -1 no such room, the room's generation or "",
--          1 if it is its presence key's first connection else 0}
local generation = redis.call('GET', KEYS[1])
if not generation then return {-1, '', 0} end
local added = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
local first = 0
if added == 1 then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
  redis.call('HSET', KEYS[5], ARGV[1], ARGV[4])
  if redis.call('HINCRBY', KEYS[4], ARGV[4], 1) == 1 then first = 1 end
end
return {added, generation, first}
