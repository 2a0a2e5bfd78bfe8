-- Ends sessions and deletes them.
-- KEYS[1] liveness index   KEYS[2] creation index   KEYS[3..] session hashes
-- ARGV[1] now (ms)   ARGV[2..] the session ids of KEYS[3..], in the same order
-- Returns how many of them were live.
local now = tonumber(ARGV[1])
local live = 0
for i = 3, #KEYS do
  local id = ARGV[i - 1]
  local score = redis.call('ZSCORE', KEYS[1], id)
  if score and tonumber(score) > now and redis.call('EXISTS', KEYS[i]) == 1 then
    live = live + 1
  end
  redis.call('DEL', KEYS[i])
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
return live
