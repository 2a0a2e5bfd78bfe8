-- Replaces a project's wrapped keyset if the stored one is at the revision before the new one.
-- KEYS[1] the project's keyset hash (see keyset_create.lua)
-- ARGV[1] kek id   ARGV[2] new revision   ARGV[3] wrapped keyset (binary)
-- Returns 1 when replaced, 0 when the stored revision differs or there is none.
local current = redis.call('HGET', KEYS[1], 'r')
if not current or tonumber(current) + 1 ~= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 'k', ARGV[1], 'r', ARGV[2], 'ks', ARGV[3])
return 1
