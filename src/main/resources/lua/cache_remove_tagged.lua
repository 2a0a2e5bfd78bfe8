-- Removes the entries of one batch of a tag index that still carry the tag.
-- KEYS[1] lexical key index   KEYS[2] expiry index   KEYS[3] the tag index   KEYS[4] tag registry
-- KEYS[5..] entry hashes named by the batch
-- ARGV[1] now (ms)   ARGV[2] the tag   ARGV[3..] the key names of KEYS[5..], in the same order
-- Returns how many live entries were removed. Names are dropped from the tag index either way: an
-- entry rewritten without the tag, or already gone, left a stale name behind.
local now = tonumber(ARGV[1])
local needle = '\n' .. ARGV[2] .. '\n'
local live = 0
for i = 5, #KEYS do
  local e = redis.call('HMGET', KEYS[i], 'ea', 'tg')
  if e[1] and string.find(e[2], needle, 1, true) then
    if tonumber(e[1]) > now then
      live = live + 1
    end
    redis.call('DEL', KEYS[i])
    redis.call('ZREM', KEYS[1], ARGV[i - 2])
    redis.call('ZREM', KEYS[2], ARGV[i - 2])
  end
end
if #ARGV > 2 then
  redis.call('ZREM', KEYS[3], unpack(ARGV, 3))
end
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('ZREM', KEYS[4], ARGV[2])
end
return live
