-- read-only
-- Reads a project's cache statistics in one consistent snapshot.
-- KEYS[1] expiry index   KEYS[2] project meta (hash: seq, hits, misses)
-- ARGV[1] now (ms)
-- Returns {live entries, hits, misses}.
local entries = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
local m = redis.call('HMGET', KEYS[2], 'hits', 'misses')
return {entries, tonumber(m[1] or '0'), tonumber(m[2] or '0')}
