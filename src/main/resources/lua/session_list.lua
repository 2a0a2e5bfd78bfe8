-- Reads every live session among those named, oldest first, and reclaims expired index entries.
-- KEYS[1] liveness index   KEYS[2] creation index   KEYS[3..] session hashes read from the creation index
-- ARGV[1] now (ms)   ARGV[2..] the session ids of KEYS[3..], in the same order
-- Returns a flat list: for each live session, its id, the 7 fields session_read.lua returns, and its verifier digest.
local now = tonumber(ARGV[1])
-- (In chunks: Lua's unpack takes at most about 8,000 values.)
local expired = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 1, #expired, 1000 do
  redis.call('ZREM', KEYS[2], unpack(expired, i, math.min(i + 999, #expired)))
end
local out = {}
for i = 3, #KEYS do
  local id = ARGV[i - 1]
  if redis.call('ZSCORE', KEYS[1], id) then
    local s = redis.call('HMGET', KEYS[i], 'u', 'ud', 'p', 'ca', 'la', 'it', 'ax', 'd')
    if s[1] and math.min(tonumber(s[5]) + tonumber(s[6]), tonumber(s[7])) > now then
      out[#out + 1] = id
      for f = 1, 8 do
        out[#out + 1] = s[f]
      end
    end
  end
end
return out
