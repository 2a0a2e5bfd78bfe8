-- Stores a new API key unless its name is taken.
-- KEYS[1] registry (hash: name -> record)   KEYS[2] the key's record by secret digest (string)
-- ARGV[1] name   ARGV[2] record (JSON)
-- Returns 1 when stored, 0 when the name was taken. API keys carry no TTL: a credential lives
-- until it is revoked, and there are few of them.
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2])
return 1
