-- Stores a project's wrapped keyset unless it has one; answers the one stored afterwards.
-- KEYS[1] the project's keyset hash (k kek id, r revision, ks wrapped keyset); no TTL: it must
--         outlive every value encrypted under it, and goes only when the project is shredded
-- ARGV[1] kek id   ARGV[2] wrapped keyset (binary)
-- Returns {kek id, revision, wrapped keyset}.
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'k', ARGV[1], 'r', 1, 'ks', ARGV[2])
end
return redis.call('HMGET', KEYS[1], 'k', 'r', 'ks')
