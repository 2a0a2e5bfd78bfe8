-- Stores a new API key unless its name or its secret's digest is taken (a digest names one key only:
-- a second would take the first one's secret over).
-- KEYS[1] registry (hash: name -> record)   KEYS[2] the key's record by secret digest (string)
-- ARGV[1] name   ARGV[2] record (JSON)
-- Returns 1 when stored, 0 when the name or the digest was taken. API keys carry no TTL: a credential lives
-- until it is revoked, and there are few of them.
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2])
return 1
