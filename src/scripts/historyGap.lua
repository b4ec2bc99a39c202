-- Opens a gap in a room's history numbering, after Redis restarted or a replica took over from its
-- master: the messages acknowledged last may be gone, and their sequence numbers must not be given
-- again. A `since` from before the gap is then known to be incomplete.
-- KEYS[1] the room's history state (a hash: epoch, sequence)
-- ARGV[1] how far the sequence jumps
-- Returns the sequence after the jump, or false when the room has no history (its next message
-- starts a new epoch anyway)
if redis.call('HEXISTS', KEYS[1], 'epoch') == 0 then return false end
return redis.call('HINCRBY', KEYS[1], 'sequence', ARGV[1])
