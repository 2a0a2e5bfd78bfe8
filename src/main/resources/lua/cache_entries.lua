-- read-only
-- Reads a page of one project's entries whole, in the order given, for an export; changes nothing.
-- KEYS[i] an entry's hash (cd:c:{p:ID}:KEY), all of one project, in key order
-- ARGV[1] now (ms)   ARGV[2] the most value bytes to return: reading stops once they are reached (one entry at least)
-- Returns {n, then for each of KEYS[1..n]: value, version, createdAt, expiresAt, tags}: n the entries looked at, a
-- prefix of KEYS; an entry gone or expired since it was listed has '' for its version.
local now, budget = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {0}
local bytes = 0
for i = 1, #KEYS do
  local e = redis.call('HMGET', KEYS[i], 'v', 'ver', 'ca', 'ea', 'tg')
  if e[1] and e[2] and tonumber(e[4]) > now then
    out[#out + 1] = e[1]
    out[#out + 1] = e[2]
    out[#out + 1] = e[3]
    out[#out + 1] = e[4]
    out[#out + 1] = e[5] or ''
    bytes = bytes + #e[1]
  else
    out[#out + 1] = ''
    out[#out + 1] = ''
    out[#out + 1] = ''
    out[#out + 1] = ''
    out[#out + 1] = ''
  end
  out[1] = i
  if bytes >= budget then
    break
  end
end
return out
