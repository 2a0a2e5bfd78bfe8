-- Adds one project's reads counted in process: hits and the latest access to each entry still
-- stored, hits and misses to the project's statistics.
-- KEYS[1] project meta (hash: seq, hits, misses)   KEYS[2..] entry hashes, in the order of ARGV[5..]
-- ARGV[1] now (ms)   ARGV[2] meta ttl (ms)   ARGV[3] the project's hits   ARGV[4] its misses
-- ARGV[5..] per entry of KEYS[2..], two values: its hits, its latest access (ms)
-- Returns the number of entries still stored that took their hits.
local now = tonumber(ARGV[1])
local taken = 0
for i = 2, #KEYS do
  local hits, at = ARGV[2 * i + 1], ARGV[2 * i + 2]
  local ea = redis.call('HGET', KEYS[i], 'ea')
  -- An entry gone, or expired and not yet reclaimed, takes nothing; its project still counts the hits.
  if ea and tonumber(ea) > now then
    redis.call('HINCRBY', KEYS[i], 'h', hits)
    local la = tonumber(redis.call('HGET', KEYS[i], 'la') or '0')
    if tonumber(at) > la then
      redis.call('HSET', KEYS[i], 'la', at)
    end
    taken = taken + 1
  end
end
if ARGV[3] ~= '0' then
  redis.call('HINCRBY', KEYS[1], 'hits', ARGV[3])
end
if ARGV[4] ~= '0' then
  redis.call('HINCRBY', KEYS[1], 'misses', ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return taken
