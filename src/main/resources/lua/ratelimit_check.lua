-- Checks every window of a policy for one identifier and, if all admit, counts the cost in all.
-- Sliding window counter: per window W (ms), the counts of the current fixed window (index
-- floor(now / W)) and of the previous one; estimate = previous * (W - elapsed) / W + current.
-- KEYS[1] the identifier's counters (hash: i<S> window index, c<S> current, p<S> previous; S = W in seconds)
-- ARGV[1] now (ms)   ARGV[2] cost (0: read only, count nothing)   ARGV[3] key TTL (ms)
-- ARGV[4..] pairs: window seconds, capacity (requests + burst)
-- Returns {admitted (1 or 0), then per window: current, previous, elapsed (ms)}, counts after the check.
local now, cost = tonumber(ARGV[1]), tonumber(ARGV[2])
local n = (#ARGV - 3) / 2
local fields = {}
for k = 1, n do
  local s = ARGV[2 + 2 * k]
  fields[#fields + 1] = 'i' .. s
  fields[#fields + 1] = 'c' .. s
  fields[#fields + 1] = 'p' .. s
end
local stored = redis.call('HMGET', KEYS[1], unpack(fields))

local admitted = 1
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
  -- the same arithmetic, in the same order, as domain.ratelimit.SlidingWindow.admits
  if cost > 0 and previous * (w - elapsed) / w + current + cost > capacity then
    admitted = 0
  end
  windows[k] = {index, current, previous, elapsed}
end

if cost == 0 then
  admitted = 0
elseif admitted == 1 then
  for k = 1, n do
    local s = ARGV[2 + 2 * k]
    local wk = windows[k]
    wk[2] = wk[2] + cost
    redis.call('HSET', KEYS[1], 'i' .. s, wk[1], 'c' .. s, wk[2], 'p' .. s, wk[3])
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end

local out = {admitted}
for k = 1, n do
  out[#out + 1] = windows[k][2]
  out[#out + 1] = windows[k][3]
  out[#out + 1] = windows[k][4]
end
return out
