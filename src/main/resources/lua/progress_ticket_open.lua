-- Opens a stream ticket for one operation's stream: counts the opening and keeps the ticket for another while.
-- KEYS[1] ticket hash   ARGV[1] operation id   ARGV[2] how long to keep it from now (ms)
-- Returns {issuer name, opening number}, or nil, changing nothing, when the ticket is unknown,
-- expired, or for another operation.
if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then
  return nil
end
local number = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {redis.call('HGET', KEYS[1], 'i'), number}
