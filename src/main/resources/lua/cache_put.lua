-- Writes one cache entry with its precondition, version, tags and expiry, atomically.
-- KEYS[1] entry hash   KEYS[2] lexical key index (zset, score 0)   KEYS[3] expiry index (zset, score = expiresAt)
-- KEYS[4] project meta (hash: seq, hits, misses)   KEYS[5] tag registry (zset, score = latest expiry)
-- KEYS[6] the entry's statistics (hash: h, la), which live exactly as long as the entry
-- KEYS[7..] one tag index per tag of the entry (zset, score = expiresAt), in the order of ARGV[10..]
-- ARGV[1] key name   ARGV[2] JSON value   ARGV[3] now (ms)   ARGV[4] ttl (ms)   ARGV[5] meta ttl (ms)
-- ARGV[6] precondition: '*' (always), 'absent', 'present' or the expected version
-- ARGV[7] tags joined as "\n" .. t1 .. "\n" .. t2 .. "\n" ('' when none)
-- ARGV[8] the version floor: now (µs), or an imported entry's version if higher
-- ARGV[9] an imported entry's createdAt (ms), kept; '' for a write of this service's own
-- ARGV[10..] tag names
-- Returns {1 created | 0 replaced, version, expiresAt}, or {-1} when the precondition fails.
local name, now = ARGV[1], tonumber(ARGV[3])
local expiresAt = now + tonumber(ARGV[4])

local current = redis.call('HMGET', KEYS[1], 'ver', 'ea')
local version = current[1]
if version and tonumber(current[2]) <= now then
  version = false -- expired, not yet reclaimed by Redis: absent for every purpose
end
local cond = ARGV[6]
if (cond == 'absent' and version) or (cond == 'present' and not version)
    or (cond ~= '*' and cond ~= 'absent' and cond ~= 'present' and version ~= cond) then
  return {-1}
end

-- Versions come from a per-project sequence, so a version is never reused, even after a delete;
-- and never below the clock in microseconds (domain.cache.Versions), so a sequence key that vanished
-- (expiry, eviction, a lost failover) starts again above every version it handed out.
-- Lua numbers are doubles, exact for integers below 2^53; '%d' writes them without an exponent.
local newVersion = redis.call('HINCRBY', KEYS[4], 'seq', 1)
local floor = tonumber(ARGV[8])
if newVersion < floor then
  newVersion = floor
  redis.call('HSET', KEYS[4], 'seq', ARGV[8])
end
redis.call('PEXPIRE', KEYS[4], ARGV[5])
local ver = string.format('%d', newVersion)

-- A replaced entry keeps its statistics; a new one starts without (no hit, last accessed when created).
if version then
  redis.call('HSET', KEYS[1], 'v', ARGV[2], 'ver', ver, 'ea', expiresAt, 'tg', ARGV[7])
  if ARGV[9] ~= '' then
    redis.call('HSET', KEYS[1], 'ca', ARGV[9])
  end
  redis.call('PEXPIREAT', KEYS[6], expiresAt)
else
  redis.call('DEL', KEYS[1], KEYS[6])
  redis.call('HSET', KEYS[1], 'v', ARGV[2], 'ver', ver, 'ca', ARGV[9] ~= '' and ARGV[9] or now, 'ea', expiresAt, 'tg', ARGV[7])
end
redis.call('PEXPIREAT', KEYS[1], expiresAt)

-- An index lives as long as its longest-lived member, and not a millisecond longer.
-- (PTTL rather than PEXPIRETIME keeps Redis 6.2 supported; -1 means no expiry yet.)
local function extend(key, at)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 or now + ttl < at then
    redis.call('PEXPIREAT', key, at)
  end
end

redis.call('ZADD', KEYS[2], 0, name)
redis.call('ZADD', KEYS[3], expiresAt, name)
for i = 7, #KEYS do
  redis.call('ZADD', KEYS[i], expiresAt, name)
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  extend(KEYS[i], expiresAt)
  redis.call('ZADD', KEYS[5], 'GT', expiresAt, ARGV[i + 3])
end

-- Every write reclaims a few expired names, so the indexes never outgrow the live entries by much.
local stale = redis.call('ZRANGE', KEYS[3], '-inf', now, 'BYSCORE', 'LIMIT', 0, 16)
if #stale > 0 then
  redis.call('ZREM', KEYS[3], unpack(stale))
  redis.call('ZREM', KEYS[2], unpack(stale))
end
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
extend(KEYS[2], expiresAt)
extend(KEYS[3], expiresAt)
extend(KEYS[5], expiresAt)

return {version and 0 or 1, newVersion, expiresAt}
