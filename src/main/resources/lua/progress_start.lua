-- Stores a new operation and its 'started' event (sequence 1), unless the id is taken.
-- KEYS[1] state hash   KEYS[2] event stream (entry ids 0-<sequence>)
-- ARGV[1] total steps   ARGV[2] message   ARGV[3] now (ms)   ARGV[4] ttl (ms)
-- Returns 1 when stored, 0 when the id is taken.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'total', ARGV[1], 'current', 0, 'status', 'RUNNING', 'message', ARGV[2],
    'started', ARGV[3], 'updated', ARGV[3], 'seq', 1)
redis.call('DEL', KEYS[2])
redis.call('XADD', KEYS[2], '0-1', 't', 'started', 's', 0, 'm', ARGV[2], 'a', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
