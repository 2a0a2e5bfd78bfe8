-- Notes the last use of an API key, keeping the latest time, and only while the key exists: a note
-- that arrives after the key's revocation is dropped, so it never outlives the key (nor dates a later
-- key of the same name).
-- KEYS[1] registry (hash: name -> record)   KEYS[2] last uses (hash: name -> epoch milliseconds)
-- ARGV[1] name   ARGV[2] the time of the use, epoch milliseconds
-- The uses hash has no TTL, like the registry whose keys it describes; revoking a key removes its field.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
local before = redis.call('HGET', KEYS[2], ARGV[1])
if before and tonumber(before) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
