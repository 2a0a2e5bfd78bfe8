-- Stores an operation as another store held it (an import): its state and its retained events with
-- their own sequences, unless the id is taken; lists it in the project's operation indexes as a start does.
-- KEYS[1] state hash   KEYS[2] event stream (entry ids 0-<sequence>)
-- KEYS[3] operation ids, score 0 (lexical paging)   KEYS[4] operation ids by expiry (ms)
-- ARGV[1] total   ARGV[2] current   ARGV[3] status   ARGV[4] message   ARGV[5] started (ms)   ARGV[6] updated (ms)
-- ARGV[7] last sequence   ARGV[8] now (ms)   ARGV[9] kept (ms)   ARGV[10] operation id
-- ARGV[11..] the events, five values each: sequence, type, step, message, at (ms), in ascending sequence
-- Returns 1 when stored, 0 when the id is taken.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local now, kept = tonumber(ARGV[8]), tonumber(ARGV[9])
redis.call('HSET', KEYS[1], 'total', ARGV[1], 'current', ARGV[2], 'status', ARGV[3], 'message', ARGV[4],
    'started', ARGV[5], 'updated', ARGV[6], 'seq', ARGV[7])
redis.call('PEXPIRE', KEYS[1], kept)
redis.call('DEL', KEYS[2])
for i = 11, #ARGV, 5 do
  redis.call('XADD', KEYS[2], '0-' .. ARGV[i], 't', ARGV[i + 1], 's', ARGV[i + 2], 'm', ARGV[i + 3], 'a', ARGV[i + 4])
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], kept)
end

local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 100)
if #expired > 0 then
  redis.call('ZREM', KEYS[3], unpack(expired))
  redis.call('ZREM', KEYS[4], unpack(expired))
end
redis.call('ZADD', KEYS[3], 0, ARGV[10])
redis.call('ZADD', KEYS[4], now + kept, ARGV[10])
-- The indexes live as long as their longest-kept entry.
if redis.call('PTTL', KEYS[3]) < kept then
  redis.call('PEXPIRE', KEYS[3], kept)
  redis.call('PEXPIRE', KEYS[4], kept)
end
return 1
