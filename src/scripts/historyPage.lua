-- Reads a page of a room's history, judged by the history's epoch of the same moment. Only the page's
-- entries are read, never the whole stream.
-- KEYS[1] the room's history (a stream; an entry's id is the message's sequence number)
-- KEYS[2] the room's history state (a hash: epoch, sequence)
-- ARGV[1] entries clients may read (`size`; the one before them is kept only so that a since naming
--         it is known to miss nothing)
-- ARGV[2] entries to read at most, or '' for all
-- ARGV[3] 'newest' (the newest entries) or 'after' (those after since)
-- ARGV[4] since's epoch ('' when since is no id)   ARGV[5] since's sequence   ARGV[6] the one after it
-- Returns {1 if since is in the history else 0, entries}: 'newest', newest first; 'after', oldest
-- first, from after since when since is of this epoch, but never before the oldest readable entry
-- unless since itself is kept
local count = {}
if ARGV[2] ~= '' then count = {'COUNT', ARGV[2]} end
local oldest = '-'
local unreadable = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[1])
if unreadable > 0 then
  local older = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', unreadable + 1)
  oldest = string.match(older[#older][1], '^%d+')
end
if ARGV[3] == 'newest' then
  return {0, redis.call('XREVRANGE', KEYS[1], '+', oldest, unpack(count))}
end
local sinceKept = 0
local start = oldest
if ARGV[4] == redis.call('HGET', KEYS[2], 'epoch') then
  sinceKept = #redis.call('XRANGE', KEYS[1], ARGV[5], ARGV[5])
  if sinceKept == 1 or oldest == '-' or tonumber(ARGV[6]) > tonumber(oldest) then
    start = ARGV[6]
  end
end
return {sinceKept, redis.call('XRANGE', KEYS[1], start, '+', unpack(count))}
