-- A script for tests of how scripts are sent: sets KEYS[1] to ARGV[1].
return redis.call('SET', KEYS[1], ARGV[1])
