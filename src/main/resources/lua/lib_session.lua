-- How a session is stored, included by session_create.lua and session_restore.lua (see LuaScript).
-- KEYS[1] the session's hash   KEYS[2] its user tag's liveness index (zset id -> idle expiry ms)
-- KEYS[3] its user tag's creation index (zset id -> createdAt ms)

-- Writes the session's fields (a flat list of names and values) and lists it in both indexes until
-- its idle expiry; the indexes live at least as long as their longest-lived session.
local function store_session(id, fields, createdAt, idleExpiry, now)
  redis.call('HSET', KEYS[1], unpack(fields))
  redis.call('PEXPIREAT', KEYS[1], idleExpiry)
  redis.call('ZADD', KEYS[2], idleExpiry, id)
  redis.call('ZADD', KEYS[3], createdAt, id)
  for i = 2, 3 do
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 or now + ttl < idleExpiry then
      redis.call('PEXPIREAT', KEYS[i], idleExpiry)
    end
  end
end
