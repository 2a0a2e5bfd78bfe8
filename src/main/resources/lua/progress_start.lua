-- Stores a new operation and its 'started' event (sequence 1), unless the id is taken, and lists it
-- in the project's operation indexes, reclaiming a bounded number of expired index entries.
-- KEYS[1] state hash   KEYS[2] event stream (entry ids 0-<sequence>)
-- KEYS[3] operation ids, score 0 (lexical paging)   KEYS[4] operation ids by expiry (ms)
-- ARGV[1] total steps   ARGV[2] message   ARGV[3] now (ms)   ARGV[4] ttl (ms)   ARGV[5] operation id
-- Returns 1 when stored, 0 when the id is taken.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local now, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'total', ARGV[1], 'current', 0, 'status', 'RUNNING', 'message', ARGV[2],
    'started', ARGV[3], 'updated', ARGV[3], 'seq', 1)
redis.call('DEL', KEYS[2])
redis.call('XADD', KEYS[2], '0-1', 't', 'started', 's', 0, 'm', ARGV[2], 'a', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)

-- Up to 100 expired ids per start: more than one per start, so the indexes never outgrow the live set.
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 100)
if #expired > 0 then
  redis.call('ZREM', KEYS[3], unpack(expired))
  redis.call('ZREM', KEYS[4], unpack(expired))
end
redis.call('ZADD', KEYS[3], 0, ARGV[5])
redis.call('ZADD', KEYS[4], now + ttl, ARGV[5])
-- Every entry expires at most ttl after the last write, which is the indexes' own expiry.
redis.call('PEXPIRE', KEYS[3], ttl)
redis.call('PEXPIRE', KEYS[4], ttl)
return 1
