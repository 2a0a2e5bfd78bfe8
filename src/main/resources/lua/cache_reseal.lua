-- Writes entries' values anew, in the form values are stored in now (a key rotation's re-encryption),
-- each only if no write changed the entry since its value was read.
-- KEYS[i]      an entry's hash (cd:c:{p:ID}:KEY), all of one project
-- ARGV[2i - 1] the version its value was read at   ARGV[2i] the value in its new form (binary)
-- Every other field (ver, ca, ea, tg) and the key's TTL stay as they are. Returns how many were written.
local written = 0
for i = 1, #KEYS do
  if redis.call('HGET', KEYS[i], 'ver') == ARGV[2 * i - 1] then
    redis.call('HSET', KEYS[i], 'v', ARGV[2 * i])
    written = written + 1
  end
end
return written
