-- Makes what a room stores about one node's members match that node's own list of them: after a
-- Redis that restarted empty, or Redis calls that failed while it was unreachable.
-- KEYS[1] the room (its generation)   KEYS[2] the room's members   KEYS[3] the room's holders
-- ARGV[1] the generation to re-create the room with, if it is gone   ARGV[2] the node's id
-- ARGV[3..] connection id, JSON member details, generation joined: one triple per member the node holds
-- Returns (through reply, in chunks) {2 re-created | 1 kept, connection ids of members whose room generation was destroyed since...}
local generation = redis.call('GET', KEYS[1])
local outcome = 1
if not generation then
  generation = ARGV[1]
  redis.call('SET', KEYS[1], generation)
  outcome = 2
end
local result = {outcome}
local listed = {}
for i = 3, #ARGV, 3 do
  if ARGV[i + 2] == generation then
    listed[ARGV[i]] = true
    redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1])
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[2])
  else
    result[#result + 1] = ARGV[i]
  end
end
local held = redis.call('HGETALL', KEYS[3])
for i = 1, #held, 2 do
  if held[i + 1] == ARGV[2] and not listed[held[i]] then
    redis.call('HDEL', KEYS[2], held[i])
    redis.call('HDEL', KEYS[3], held[i])
  end
end
return reply(result)
