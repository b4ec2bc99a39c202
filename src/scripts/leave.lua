-- Removes members from a room, one after another in the order given.
-- KEYS[1] the room's members   KEYS[2] the room's holders   KEYS[3] the room's presence
-- KEYS[4] the room's presence keys
-- ARGV[1..] connection ids
-- Returns, for each connection id in turn, {1 removed | 0 was not a member, its presence key if that
-- was the key's last connection else ""}, flat: {removed, presence key, removed, presence key, ...}
local results = {}
for i = 1, #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
  local removed = redis.call('HDEL', KEYS[1], ARGV[i])
  results[#results + 1] = removed
  if removed == 0 then
    results[#results + 1] = ''
  else
    results[#results + 1] = leavePresence(KEYS[3], KEYS[4], ARGV[i])
  end
end
-- Made by unpack, which ioredis-mock reads back (see reply.lua); the batch bounds its length.
return {unpack(results)}
