-- Keeps a new stream ticket under its digest, never opened yet, for its time to live.
-- KEYS[1] ticket hash   ARGV[1] operation id   ARGV[2] issuer name   ARGV[3] time to live (ms)
-- Returns 1.
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'o', ARGV[1], 'i', ARGV[2], 'n', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
