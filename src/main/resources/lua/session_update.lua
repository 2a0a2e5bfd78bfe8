-- Changes a live session: grants or revokes one project, or replaces the verifier digest.
-- KEYS[1] session hash   KEYS[2] liveness index
-- ARGV[1] session id   ARGV[2] now (ms)   ARGV[3] 'grant', 'revoke' or 'verifier'   ARGV[4] the project or digest
-- Returns {userId, userData, projects, createdAt, lastActivityAt, idleTimeout, absoluteExpiry} or nil.
local now = tonumber(ARGV[2])
local s = redis.call('HMGET', KEYS[1], 'u', 'ud', 'p', 'ca', 'la', 'it', 'ax')
if not s[1] or not redis.call('ZSCORE', KEYS[2], ARGV[1])
    or math.min(tonumber(s[5]) + tonumber(s[6]), tonumber(s[7])) <= now then
  return nil
end
if ARGV[3] == 'verifier' then
  redis.call('HSET', KEYS[1], 'd', ARGV[4])
else
  -- projects are kept as "\n"-joined ids; ids never contain "\n"
  local kept = {}
  for p in string.gmatch(s[3], '[^\n]+') do
    if p ~= ARGV[4] then
      kept[#kept + 1] = p
    end
  end
  if ARGV[3] == 'grant' then
    kept[#kept + 1] = ARGV[4]
  end
  s[3] = table.concat(kept, '\n')
  redis.call('HSET', KEYS[1], 'p', s[3])
end
return s
