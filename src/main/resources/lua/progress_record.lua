-- Records one change of a running operation: state, one event, trimmed history, expiry, and a
-- message to the followers on every instance.
-- KEYS[1] state hash   KEYS[2] event stream (entry ids 0-<sequence>)
-- KEYS[3] operation ids, score 0 (lexical paging)   KEYS[4] operation ids by expiry (ms)
-- ARGV[1] event type: progress, completed, failed or stalled   ARGV[2] increment (progress)
-- ARGV[3] message   ARGV[4] now (ms)   ARGV[5] events retained   ARGV[6] ttl (ms)
-- ARGV[7] channel to publish the event on   ARGV[8] for 'stalled': the moment (ms) it must be silent since
-- ARGV[9] operation id
-- Returns {outcome, total, current, status, message, started, updated, seq} with outcome
-- 'recorded', 'ended' (nothing recorded) or 'active' (not silent: no stall), or {'unknown'}.
local s = redis.call('HMGET', KEYS[1], 'total', 'current', 'status', 'message', 'started', 'updated', 'seq')
if not s[1] then
  return {'unknown'}
end
local function state(outcome)
  return {outcome, s[1], s[2], s[3], s[4], s[5], s[6], s[7]}
end
if s[3] ~= 'RUNNING' then
  return state('ended')
end
local kind, now = ARGV[1], ARGV[4]
if kind == 'stalled' and tonumber(s[6]) > tonumber(ARGV[8]) then
  return state('active')
end

local total, current = tonumber(s[1]), tonumber(s[2])
if kind == 'progress' then
  current = math.min(total, current + tonumber(ARGV[2]))
  s[3] = 'RUNNING'
elseif kind == 'completed' then
  current = total
  s[3] = 'COMPLETED'
elseif kind == 'failed' then
  s[3] = 'FAILED'
else
  s[3] = 'STALLED'
end
local seq = tonumber(s[7]) + 1
s[2], s[4], s[6], s[7] = current, ARGV[3], now, seq

redis.call('HSET', KEYS[1], 'current', current, 'status', s[3], 'message', ARGV[3], 'updated', now, 'seq', seq)
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[5], '0-' .. seq, 't', kind, 's', current, 'm', ARGV[3], 'a', now)
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('ZADD', KEYS[3], 0, ARGV[9])
redis.call('ZADD', KEYS[4], tonumber(now) + tonumber(ARGV[6]), ARGV[9])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
redis.call('PEXPIRE', KEYS[4], ARGV[6])
redis.call('PUBLISH', ARGV[7], seq .. '\t' .. kind .. '\t' .. current .. '\t' .. now .. '\t' .. ARGV[3])
return state('recorded')
