-- Makes what a room stores about one node's members match that node's own list of them: after a
-- Redis that restarted, or Redis calls that failed while it was unreachable.
-- KEYS[1] the room (its generation)   KEYS[2] the room's members   KEYS[3] the room's holders
-- KEYS[4] the room's presence   KEYS[5] the room's presence keys
-- ARGV[1] the generation to re-create the room with if it is gone (Redis lost it), or "" when a room
--         that is gone was destroyed   ARGV[2] the node's id
-- ARGV[3..] connection id, JSON member details, generation it joined ("" while its join is under way:
--           kept, not written), presence key: four per member the node holds
-- Returns (through reply, in chunks) {how many ended, the connection ids of members whose life of the
-- room has ended, how many rejoined, the connection ids of members written back as their presence
-- key's first connection, then for each member removed because the node no longer holds it: its
-- connection id, its JSON member details, and its presence key if that was the key's last connection
-- else ""}
local generation = redis.call('GET', KEYS[1])
if not generation and ARGV[1] ~= '' then
  generation = ARGV[1]
  redis.call('SET', KEYS[1], generation)
end
local ended = {}
local rejoined = {}
local listed = {}
for i = 3, #ARGV, 4 do
  local id, joined = ARGV[i], ARGV[i + 2]
  if joined == '' then
    listed[id] = true
  elseif joined == generation then
    listed[id] = true
    if redis.call('HSETNX', KEYS[2], id, ARGV[i + 1]) == 1 then
      redis.call('HSET', KEYS[5], id, ARGV[i + 3])
      if redis.call('HINCRBY', KEYS[4], ARGV[i + 3], 1) == 1 then
        rejoined[#rejoined + 1] = id
      end
    end
    redis.call('HSET', KEYS[3], id, ARGV[2])
  else
    ended[#ended + 1] = id
  end
end
local result = {tostring(#ended)}
for i = 1, #ended do result[#result + 1] = ended[i] end
result[#result + 1] = tostring(#rejoined)
for i = 1, #rejoined do result[#result + 1] = rejoined[i] end
local held = redis.call('HGETALL', KEYS[3])
for i = 1, #held, 2 do
  if held[i + 1] == ARGV[2] and not listed[held[i]] then
    local details = redis.call('HGET', KEYS[2], held[i]) or '{}'
    redis.call('HDEL', KEYS[2], held[i])
    redis.call('HDEL', KEYS[3], held[i])
    result[#result + 1] = held[i]
    result[#result + 1] = details
    result[#result + 1] = leavePresence(KEYS[4], KEYS[5], held[i])
  end
end
return reply(result)
