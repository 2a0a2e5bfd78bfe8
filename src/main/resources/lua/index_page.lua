-- read-only
-- One page of a lexical name index (cache keys, progress operations), without the names whose item expired.
-- KEYS[1] lexical key index   KEYS[2] expiry index
-- ARGV[1] lexical min (ZRANGE BYLEX syntax)   ARGV[2] lexical max   ARGV[3] how many names to examine
-- ARGV[4] now (ms)
-- Returns {examined, last examined name or '', live names...}.
local names = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'BYLEX', 'LIMIT', 0, tonumber(ARGV[3]))
local now = tonumber(ARGV[4])
local result = {#names, names[#names] or ''}
for _, name in ipairs(names) do
  local expiresAt = redis.call('ZSCORE', KEYS[2], name)
  if expiresAt and tonumber(expiresAt) > now then
    result[#result + 1] = name
  end
end
return result
