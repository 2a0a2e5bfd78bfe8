-- Revokes an API key: removes its registry entry and its record, if the registry still holds the
-- record that was read, and forgets its last use.
-- KEYS[1] registry (hash: name -> record)   KEYS[2] the key's record by secret digest
-- KEYS[3] last uses (hash: name -> epoch milliseconds)
-- ARGV[1] name   ARGV[2] the record as read from the registry
-- Returns 1 when revoked, 0 when the registry no longer holds that record.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
