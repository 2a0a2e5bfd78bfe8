-- Removes the entries of one batch of a tag index that still carry the tag.
-- KEYS[1] lexical key index   KEYS[2] expiry index   KEYS[3] the tag index   KEYS[4] tag registry
-- KEYS[5..] per entry named by the batch, two keys: its hash, then its statistics
-- ARGV[1] now (ms)   ARGV[2] the tag   ARGV[3..] the key names of the entries, in the same order
-- Returns how many live entries were removed. Names are dropped from the tag index either way: an
-- entry rewritten without the tag, or already gone, left a stale name behind.
local now = tonumber(ARGV[1])
local needle = '\n' .. ARGV[2] .. '\n'
local live = 0
for i = 5, #KEYS, 2 do
  local e = redis.call('HMGET', KEYS[i], 'ea', 'tg')
  local name = ARGV[3 + (i - 5) / 2]
  if e[1] and string.find(e[2], needle, 1, true) then
    if tonumber(e[1]) > now then
      live = live + 1
    end
    redis.call('DEL', KEYS[i], KEYS[i + 1])
    redis.call('ZREM', KEYS[1], name)
    redis.call('ZREM', KEYS[2], name)
  end
end
if #ARGV > 2 then
  redis.call('ZREM', KEYS[3], unpack(ARGV, 3))
end
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('ZREM', KEYS[4], ARGV[2])
end
return live
