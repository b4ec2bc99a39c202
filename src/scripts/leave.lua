-- Removes a member from a room.
-- KEYS[1] the room's members   KEYS[2] the room's holders   KEYS[3] the room's presence
-- KEYS[4] the room's presence keys
-- ARGV[1] connection id
-- Returns {1 removed | 0 was not a member, its presence key if that was the key's last connection else ""}
redis.call('HDEL', KEYS[2], ARGV[1])
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if removed == 0 then return {0, ''} end
return {removed, leavePresence(KEYS[3], KEYS[4], ARGV[1])}
