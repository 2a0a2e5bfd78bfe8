-- Stores a session copied from elsewhere, as it was there, unless a session of its id is live.
-- KEYS[1] the session's hash   KEYS[2] liveness index (zset id -> idle expiry ms)   KEYS[3] creation index
-- ARGV[1] session id   ARGV[2] now (ms)   ARGV[3] user id   ARGV[4] verifier digest   ARGV[5] user data
-- ARGV[6] projects, "\n"-joined   ARGV[7] createdAt (ms)   ARGV[8] last activity (ms)   ARGV[9] idle timeout (ms)
-- ARGV[10] absolute expiry (ms)   ARGV[11] idle expiry (ms)
-- Returns 1 when stored, 0 when a session of the id is live (kept as it is) or the copy is no longer live.
-- #include lib_session
local now, idleExpiry = tonumber(ARGV[2]), tonumber(ARGV[11])
local live = redis.call('ZSCORE', KEYS[2], ARGV[1])
if idleExpiry <= now or (live and tonumber(live) > now) then
  return 0
end
store_session(ARGV[1], {'u', ARGV[3], 'd', ARGV[4], 'ud', ARGV[5], 'p', ARGV[6], 'ca', ARGV[7], 'la', ARGV[8],
    'it', ARGV[9], 'ax', ARGV[10]}, tonumber(ARGV[7]), idleExpiry, now)
return 1
