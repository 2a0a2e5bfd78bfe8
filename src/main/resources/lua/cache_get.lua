-- Reads one cache entry and records the access: a hit on the entry and the project, or a miss.
-- KEYS[1] entry hash   KEYS[2] project meta (hash: seq, hits, misses)
-- ARGV[1] now (ms)   ARGV[2] meta ttl (ms)
-- Returns {value, version, createdAt, expiresAt, tags, hits} or nil on a miss.
local now = tonumber(ARGV[1])
local e = redis.call('HMGET', KEYS[1], 'v', 'ver', 'ca', 'ea', 'tg')
if not e[1] or tonumber(e[4]) <= now then
  redis.call('HINCRBY', KEYS[2], 'misses', 1)
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return nil
end
local hits = redis.call('HINCRBY', KEYS[1], 'h', 1)
redis.call('HSET', KEYS[1], 'la', now)
redis.call('HINCRBY', KEYS[2], 'hits', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {e[1], e[2], e[3], e[4], e[5], hits}
