-- Adds one project's reads counted in process: hits and the latest access to each entry still
-- stored (in its statistics hash, never in the entry itself, which near caches track), hits and
-- misses to the project's statistics.
-- KEYS[1] project meta (hash: seq, hits, misses)
-- KEYS[2..] per entry, two keys: its hash, then its statistics (hash: h, la), in the order of ARGV[5..]
-- ARGV[1] now (ms)   ARGV[2] meta ttl (ms)   ARGV[3] the project's hits   ARGV[4] its misses
-- ARGV[5..] per entry, two values: its hits, its latest access (ms)
-- Returns per entry, in order, {hits, last access} as they stand now, or {-1, 0} for an entry gone.
local now = tonumber(ARGV[1])
local counts = {}
for i = 2, #KEYS, 2 do
  local hits, at = ARGV[i + 3], ARGV[i + 4]
  local e = redis.call('HMGET', KEYS[i], 'ea', 'ca')
  -- An entry gone, or expired and not yet reclaimed, takes nothing; its project still counts the hits.
  if e[1] and tonumber(e[1]) > now then
    local total = redis.call('HINCRBY', KEYS[i + 1], 'h', hits)
    local la = tonumber(redis.call('HGET', KEYS[i + 1], 'la') or e[2])
    if tonumber(at) > la then
      la = tonumber(at)
    end
    redis.call('HSET', KEYS[i + 1], 'la', string.format('%d', la))
    redis.call('PEXPIREAT', KEYS[i + 1], e[1])
    counts[#counts + 1] = total
    counts[#counts + 1] = la
  else
    counts[#counts + 1] = -1
    counts[#counts + 1] = 0
  end
end
if ARGV[3] ~= '0' then
  redis.call('HINCRBY', KEYS[1], 'hits', ARGV[3])
end
if ARGV[4] ~= '0' then
  redis.call('HINCRBY', KEYS[1], 'misses', ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return counts
