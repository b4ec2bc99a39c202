-- Publishes a room's message and keeps it in the room's history, at once: the message gets the id
-- of its place in the history, `<epoch>:<sequence>`. The epoch is new whenever the history starts
-- over (new, expired, or lost with Redis), so an id from before is never taken for one after.
-- KEYS[1] the room's history (a stream; an entry's id is the message's sequence number)
-- KEYS[2] the room's history state (a hash: epoch, sequence)
-- ARGV[1] the room's channel   ARGV[2] the message's JSON (an object)   ARGV[3] entries to keep
-- ARGV[4] ms to keep the history after its last message   ARGV[5] the epoch, if it starts over
-- ARGV[6] the command that publishes: PUBLISH, or SPUBLISH on a Redis Cluster
-- Returns the JSON published: the message with its `id`
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  -- A stream left without its state (evicted) belongs to the old epoch, and its ids would refuse the new ones.
  redis.call('DEL', KEYS[1])
  epoch = ARGV[5]
  redis.call('HSET', KEYS[2], 'epoch', epoch)
end
local sequence = redis.call('HINCRBY', KEYS[2], 'sequence', 1)
local id = epoch .. ':' .. string.format('%d', sequence)
-- The id goes last, so that it wins over an `id` the payload may have of its own.
local json = ARGV[2]
if json == '{}' then
  json = '{"id":"' .. id .. '"}'
else
  json = string.sub(json, 1, -2) .. ',"id":"' .. id .. '"}'
end
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], string.format('%d', sequence), 'message', json)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call(ARGV[6], ARGV[1], json)
return json
