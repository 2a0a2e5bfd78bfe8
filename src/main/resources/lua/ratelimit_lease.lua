-- Leases up to a number of units of a policy for one identifier: counts in every window at once as
-- many units as all of them admit (the least over the windows), up to the number asked; none when
-- one window has no room. Mirrors domain.ratelimit.SlidingWindow.grantable and RateLimiter.grantable.
-- KEYS[1] the identifier's counters (hash: i<S> window index, c<S> current, p<S> previous; S = W in seconds)
-- ARGV[1] now (ms)   ARGV[2] most units to lease (>= 1)   ARGV[3] key TTL (ms)
-- ARGV[4..] pairs: window seconds, capacity (requests + burst)
-- Returns {units granted, then per window: current, previous, elapsed (ms)}, counts after the lease.
local now, units = tonumber(ARGV[1]), tonumber(ARGV[2])
local n = (#ARGV - 3) / 2
local fields = {}
for k = 1, n do
  local s = ARGV[2 + 2 * k]
  fields[#fields + 1] = 'i' .. s
  fields[#fields + 1] = 'c' .. s
  fields[#fields + 1] = 'p' .. s
end
local stored = redis.call('HMGET', KEYS[1], unpack(fields))

local windows = {}
for k = 1, n do
  local w = tonumber(ARGV[2 + 2 * k]) * 1000
  local capacity = tonumber(ARGV[3 + 2 * k])
  local index = math.floor(now / w)
  local was = tonumber(stored[3 * k - 2])
  local current, previous = 0, 0
  if was == index then
    current, previous = tonumber(stored[3 * k - 1]), tonumber(stored[3 * k])
  elseif was == index - 1 then
    previous = tonumber(stored[3 * k - 1])
  end
  local elapsed = now - index * w
  if units > 0 then
    -- the same arithmetic, in the same order, as domain.ratelimit.SlidingWindow.grantable
    local estimate = previous * (w - elapsed) / w + current
    local room = math.floor(capacity - estimate)
    if room < units then
      units = room
    end
    while units > 0 and previous * (w - elapsed) / w + current + units > capacity do
      units = units - 1
    end
    if units < 0 then
      units = 0
    end
  end
  windows[k] = {index, current, previous, elapsed}
end

if units > 0 then
  for k = 1, n do
    local s = ARGV[2 + 2 * k]
    local wk = windows[k]
    wk[2] = wk[2] + units
    redis.call('HSET', KEYS[1], 'i' .. s, wk[1], 'c' .. s, wk[2], 'p' .. s, wk[3])
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end

local out = {units}
for k = 1, n do
  out[#out + 1] = windows[k][2]
  out[#out + 1] = windows[k][3]
  out[#out + 1] = windows[k][4]
end
return out
