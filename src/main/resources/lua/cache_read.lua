-- read-only
-- Reads one cache entry with its statistics; changes nothing.
-- KEYS[1] entry hash   KEYS[2] the entry's statistics (hash: h hits, la last access)
-- Returns {value, version, createdAt, expiresAt, tags, hits, lastAccessAt}, or {} when there is no entry.
-- The statistics live apart from the entry so that recording them leaves the entry, which near
-- caches track, untouched; absent statistics mean no hit yet, last accessed when created.
local e = redis.call('HMGET', KEYS[1], 'v', 'ver', 'ca', 'ea', 'tg')
if not e[1] then
  return {}
end
local s = redis.call('HMGET', KEYS[2], 'h', 'la')
return {e[1], e[2], e[3], e[4], e[5], s[1] or '0', s[2] or e[3]}
