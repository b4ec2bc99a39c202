-- Removes a member from a room.
-- KEYS[1] the room's members   KEYS[2] the room's holders
-- ARGV[1] connection id
-- Returns 1 removed | 0 was not a member
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
