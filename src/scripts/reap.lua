-- Removes the members that one node holds in a room: a dead node's, or what a live node no longer
-- holds. Whoever runs it first for a member gets it back; anyone after gets nothing, so each member
-- is reaped exactly once.
-- KEYS[1] the room's members   KEYS[2] the room's holders   KEYS[3] the room's presence
-- KEYS[4] the room's presence keys
-- ARGV[1] the holding node's id   ARGV[2..] only these connection ids (every member the node holds when none)
-- Returns (through reply, in chunks) {connection id, JSON member details, presence key if that was
-- the key's last connection else "", ...} of the members it removed
local removed = {}
local function reap(id)
  if redis.call('HGET', KEYS[2], id) == ARGV[1] then
    local details = redis.call('HGET', KEYS[1], id)
    redis.call('HDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    removed[#removed + 1] = id
    removed[#removed + 1] = details or '{}'
    removed[#removed + 1] = leavePresence(KEYS[3], KEYS[4], id)
  end
end
if #ARGV > 1 then
  for i = 2, #ARGV do reap(ARGV[i]) end
else
  local held = redis.call('HGETALL', KEYS[2])
  for i = 1, #held, 2 do
    if held[i + 1] == ARGV[1] then reap(held[i]) end
  end
end
return reply(removed)
