-- The task queue's rules, included by every task_*.lua (infrastructure.redis.LuaScript puts this file
-- in place of the script's include line), so every script applies the same rules: the queue's keys,
-- its settings, and how a task is placed in them.
-- KEYS[1] records (hash id -> JSON)   KEYS[2] payloads (hash id -> text)
-- KEYS[3] ready: QUEUED ids, score (10 - priority) * 1e12 + sequence   KEYS[4] later: SCHEDULED and
-- FAILED ids, score run-at (ms)   KEYS[5] leased: RUNNING ids, score lease end (ms)
-- KEYS[6] kept: finished ids, score end of retention (ms)   KEYS[7] settings (JSON string)
-- KEYS[8] sequence (counter)   KEYS[9..15] ids by sequence of each state, in TaskState order
-- ARGV[1] now (ms)   ARGV[2] default settings (JSON)   ARGV[3] status ttl (ms)
local RECORDS, PAYLOADS, READY, LATER, LEASED, KEPT, CONFIG, SEQUENCE =
    KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local STATE = {QUEUED = KEYS[9], SCHEDULED = KEYS[10], RUNNING = KEYS[11], SUCCEEDED = KEYS[12], FAILED = KEYS[13],
    DEAD = KEYS[14], CANCELLED = KEYS[15]}
local NOW, STATUS_TTL = tonumber(ARGV[1]), tonumber(ARGV[3])
local SETTINGS = cjson.decode(redis.call('GET', CONFIG) or ARGV[2])

-- Integers as exact decimal text: Lua would print large scores in 14 significant digits.
local function num(n)
  return string.format('%.0f', n)
end

local function load(id)
  local raw = redis.call('HGET', RECORDS, id)
  if not raw then
    return nil
  end
  return cjson.decode(raw)
end

local function reply(kind, id, task)
  return {kind, id, cjson.encode(task), redis.call('HGET', PAYLOADS, id) or ''}
end

-- Lets the key live at least ms more: its entries expire at most that long after this write.
local function keep(key, ms)
  if redis.call('PTTL', key) < ms then
    redis.call('PEXPIRE', key, math.max(1, ms))
  end
end

-- Takes the task out of the indexes of its state; its record stays.
local function unplace(id, task)
  redis.call('ZREM', STATE[task.st], id)
  if task.st == 'QUEUED' then
    redis.call('ZREM', READY, id)
  elseif task.st == 'SCHEDULED' or task.st == 'FAILED' then
    redis.call('ZREM', LATER, id)
  elseif task.st == 'RUNNING' then
    redis.call('ZREM', LEASED, id)
  else
    redis.call('ZREM', KEPT, id)
  end
end

-- Stores the task and lists it in the indexes of its state; a finished one until its retention ends.
local function place(id, task)
  redis.call('ZADD', STATE[task.st], num(task.sq), id)
  task.ku = nil
  if task.st == 'QUEUED' then
    redis.call('ZADD', READY, num((10 - task.pr) * 1e12 + task.sq), id)
  elseif task.st == 'SCHEDULED' or task.st == 'FAILED' then
    redis.call('ZADD', LATER, num(task.ra), id)
  elseif task.st == 'RUNNING' then
    redis.call('ZADD', LEASED, num(task.le), id)
  else
    local ttl = STATUS_TTL
    if task.st == 'DEAD' then
      ttl = SETTINGS.deadTtl
    end
    task.ku = task.fa + ttl
    redis.call('ZADD', KEPT, num(task.ku), id)
    keep(STATE[task.st], ttl)
    keep(KEPT, ttl)
  end
  redis.call('HSET', RECORDS, id, cjson.encode(task))
end

-- Brings the queue up to date (as InMemoryTaskRepository.Queue.catchUp): finished tasks past their
-- retention go, expired leases are reclaimed (Task.expireLease), due tasks are promoted (Task.promote).
-- Each step is bounded per call; what is left waits for the next call.
local function catch_up()
  local gone = redis.call('ZRANGEBYSCORE', KEPT, '-inf', NOW, 'LIMIT', 0, 1000)
  if #gone > 0 then
    redis.call('HDEL', RECORDS, unpack(gone))
    redis.call('HDEL', PAYLOADS, unpack(gone))
    redis.call('ZREM', KEPT, unpack(gone))
    redis.call('ZREM', STATE.SUCCEEDED, unpack(gone))
    redis.call('ZREM', STATE.DEAD, unpack(gone))
    redis.call('ZREM', STATE.CANCELLED, unpack(gone))
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', LEASED, '-inf', NOW, 'LIMIT', 0, 1000)) do
    local task = load(id)
    unplace(id, task)
    local why = 'lease expired during attempt ' .. num(task.at)
    if task.cr then
      task.st = 'CANCELLED'
      task.fa = NOW
    elseif task.at >= task.ma then
      task.st = 'DEAD'
      task.er = why
      task.fa = NOW
    else
      task.st = 'QUEUED'
      task.ra = task.le
      task.lt = nil
      task.le = nil
      task.er = why
    end
    task.ua = NOW
    place(id, task)
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', LATER, '-inf', NOW, 'LIMIT', 0, 1000)) do
    local task = load(id)
    unplace(id, task)
    task.st = 'QUEUED'
    task.cr = false
    task.ua = NOW
    place(id, task)
  end
end

-- Why the holder of token may not change the task (Task.refusalFor), as the reply; nil when it may.
-- A running task whose cancel was requested becomes CANCELLED here.
local function refusal(id, task, token)
  if not task.lt or task.lt ~= token then
    return {'stale', 'the lease token is not the task\'s current one'}
  end
  if task.st == 'CANCELLED' then
    return reply('cancelled', id, task)
  end
  if task.st ~= 'RUNNING' then
    return {'wrong', task.st}
  end
  if task.le <= NOW then
    return {'stale', 'the lease expired'}
  end
  if task.cr then
    unplace(id, task)
    task.st = 'CANCELLED'
    task.ua = NOW
    task.fa = NOW
    place(id, task)
    return reply('cancelled', id, task)
  end
  return nil
end

-- Records and payloads live while a task waits or runs; once none does, they expire with the last
-- finished task, and the sequence with them (nothing of the queue is left to order).
local function settle()
  if redis.call('ZCARD', READY) + redis.call('ZCARD', LATER) + redis.call('ZCARD', LEASED) > 0 then
    redis.call('PERSIST', RECORDS)
    redis.call('PERSIST', PAYLOADS)
    redis.call('PERSIST', SEQUENCE)
    return
  end
  local last = redis.call('ZRANGE', KEPT, -1, -1, 'WITHSCORES')
  if last[2] then
    local ms = math.max(1, tonumber(last[2]) - NOW)
    redis.call('PEXPIRE', RECORDS, ms)
    redis.call('PEXPIRE', PAYLOADS, ms)
    redis.call('PEXPIRE', SEQUENCE, ms)
  else
    redis.call('DEL', RECORDS, PAYLOADS, SEQUENCE)
  end
end

-- The task under its id once the queue is caught up, or the reply when there is none.
local function existing(id)
  catch_up()
  local task = load(id)
  if not task then
    settle()
    return nil, {'notfound'}
  end
  return task
end

-- The task its caller holds with the lease token, or the reply refusing the caller (see refusal).
local function held(id, task, token)
  local refused = refusal(id, task, token)
  if refused then
    settle()
    return nil, refused
  end
  return task
end
