-- Put before the scripts that remove members: takes one member out of its presence key's count.
-- Returns the presence key if that was its last connection in the room, else "".
local function leavePresence(presenceKey, presenceKeysKey, id)
  local key = redis.call('HGET', presenceKeysKey, id)
  if not key then return '' end
  redis.call('HDEL', presenceKeysKey, id)
  if redis.call('HINCRBY', presenceKey, key, -1) > 0 then return '' end
  redis.call('HDEL', presenceKey, key)
  return key
end
