-- Reads a live session; optionally checks the token's verifier digest and records activity.
-- KEYS[1] session hash   KEYS[2] liveness index   KEYS[3] creation index
-- ARGV[1] session id   ARGV[2] now (ms)   ARGV[3] verifier digest, or '' to skip the check
-- ARGV[4] '1' to record activity (slide the idle expiry, never past the absolute one)
-- Returns {userId, userData, projects, createdAt, lastActivityAt, idleTimeout, absoluteExpiry} or nil.
-- A session is live while its hash exists, its id is in the liveness index, and now is before
-- min(lastActivity + idleTimeout, absoluteExpiry).
local now = tonumber(ARGV[2])
local s = redis.call('HMGET', KEYS[1], 'd', 'u', 'ud', 'p', 'ca', 'la', 'it', 'ax')
if not s[1] or not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return nil
end
if ARGV[3] ~= '' and s[1] ~= ARGV[3] then
  return nil
end
local absolute = tonumber(s[8])
local expiry = math.min(tonumber(s[6]) + tonumber(s[7]), absolute)
if expiry <= now then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  return nil
end
local lastActivity = s[6]
if ARGV[4] == '1' then
  lastActivity = ARGV[2]
  expiry = math.min(now + tonumber(s[7]), absolute)
  redis.call('HSET', KEYS[1], 'la', lastActivity)
  redis.call('PEXPIREAT', KEYS[1], expiry)
  redis.call('ZADD', KEYS[2], 'XX', expiry, ARGV[1])
  local ttl = redis.call('PTTL', KEYS[2])
  if ttl < 0 or now + ttl < expiry then
    redis.call('PEXPIREAT', KEYS[2], expiry)
  end
  ttl = redis.call('PTTL', KEYS[3])
  if ttl < 0 or now + ttl < expiry then
    redis.call('PEXPIREAT', KEYS[3], expiry)
  end
end
return {s[2], s[3], s[4], s[5], lastActivity, s[7], s[8]}
