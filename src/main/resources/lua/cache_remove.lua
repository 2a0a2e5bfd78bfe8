-- Removes named cache entries and their index entries.
-- KEYS[1] lexical key index   KEYS[2] expiry index
-- KEYS[3..] per entry, two keys: its hash, then its statistics
-- ARGV[1] now (ms)   ARGV[2..] the key names of the entries, in the same order
-- Returns how many of the entries were live. Tag indexes keep the names until their own expiry;
-- a tag invalidation checks the entry before it removes anything, so a stale name is harmless.
local now = tonumber(ARGV[1])
local live = 0
for i = 3, #KEYS, 2 do
  local expiresAt = redis.call('HGET', KEYS[i], 'ea')
  if expiresAt then
    if tonumber(expiresAt) > now then
      live = live + 1
    end
    redis.call('DEL', KEYS[i], KEYS[i + 1])
  end
end
if #ARGV > 1 then
  redis.call('ZREM', KEYS[1], unpack(ARGV, 2))
  redis.call('ZREM', KEYS[2], unpack(ARGV, 2))
end
return live
