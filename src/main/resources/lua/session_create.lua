-- Stores a new session, first revoking the user's oldest sessions beyond the per-user maximum.
-- KEYS[1] the new session's hash   KEYS[2] liveness index (zset id -> idle expiry ms)
-- KEYS[3] creation index (zset id -> createdAt ms)   KEYS[4..] hashes of sessions read from the
-- creation index beforehand (only with a maximum), so that evicted ones can be deleted
-- ARGV[1] session id   ARGV[2] now (ms)   ARGV[3] maximum live sessions of the user (0: none)
-- ARGV[4] user id   ARGV[5] verifier digest   ARGV[6] user data (JSON)   ARGV[7] projects, "\n"-joined
-- ARGV[8] createdAt (ms)   ARGV[9] idle timeout (ms)   ARGV[10] absolute expiry (ms)
-- ARGV[11] idle expiry (ms)   ARGV[12..] the session ids of KEYS[4..], in the same order
-- Returns the ids revoked to make room.
-- #include lib_session
local now, max = tonumber(ARGV[2]), tonumber(ARGV[3])

-- The indexes clean themselves: names whose expiry passed leave on every write. (In chunks:
-- Lua's unpack takes at most about 8,000 values.)
local expired = redis.call('ZRANGE', KEYS[2], '-inf', now, 'BYSCORE')
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
for i = 1, #expired, 1000 do
  redis.call('ZREM', KEYS[3], unpack(expired, i, math.min(i + 999, #expired)))
end

local known = {}
for i = 4, #KEYS do
  known[ARGV[i + 8]] = KEYS[i]
end
local revoked = {}
if max > 0 then
  local live = redis.call('ZCARD', KEYS[2])
  while live >= max do
    local oldest = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
    if not oldest then
      break
    end
    redis.call('ZREM', KEYS[2], oldest)
    redis.call('ZREM', KEYS[3], oldest)
    if known[oldest] then
      redis.call('DEL', known[oldest])
    end -- else: out of the liveness index, so dead; its hash expires on its own
    revoked[#revoked + 1] = oldest
    live = live - 1
  end
end

store_session(ARGV[1], {'u', ARGV[4], 'd', ARGV[5], 'ud', ARGV[6], 'p', ARGV[7], 'ca', ARGV[8], 'la', ARGV[8],
    'it', ARGV[9], 'ax', ARGV[10]}, tonumber(ARGV[8]), tonumber(ARGV[11]), now)
return revoked
