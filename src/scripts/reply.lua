-- Put before every script that answers with a list it built: returns the list as chunks of at most
-- 4000 items, each made by unpack. A table built by assignment is not read back by ioredis-mock (the
-- embedded Redis), and one unpack is bounded (8000 values) on Redis; chunks of unpack suit both.
local function reply(items)
  local chunks = {}
  for i = 1, #items, 4000 do
    chunks[#chunks + 1] = {unpack(items, i, math.min(i + 3999, #items))}
  end
  return {unpack(chunks)}
end
