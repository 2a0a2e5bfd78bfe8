-- The task queue's rules, included by every task_*.lua (infrastructure.redis.LuaScript puts this file
-- in place of the script's include line), so every script applies the same rules: the queue's keys,
-- its settings, and how a task is placed in them.
-- KEYS[1] records (hash id -> JSON)   KEYS[2] payloads (hash id -> text)
-- KEYS[3] ready: QUEUED ids, score (10 - priority) * 1e12 + sequence   KEYS[4] later: SCHEDULED and
-- FAILED ids, score run-at (ms)   KEYS[5] leased: RUNNING ids, score lease end (ms)
-- KEYS[6] kept: finished ids, score end of retention (ms)   KEYS[7] settings (JSON string)
-- KEYS[8] the queue's own state (hash): seq (the last sequence given), due (no task of later, leased
-- or kept is due before this, ms; '' when they are empty), exp ('1' while the queue's keys expire)
-- KEYS[9..15] ids by sequence of each state, in TaskState order
-- ARGV[1] now (ms)   ARGV[2] default settings (JSON)   ARGV[3] status ttl (ms)
-- Every script's answer is followed by the tasks its upkeep ended and their number (see finish).
--
-- Every command a script calls costs Redis a few microseconds, so the rules call few: upkeep
-- (catch_up) ranges over the sets only once something in them is due, and the keys' expiry changes
-- only when the queue goes idle (nothing waits or runs) or wakes up again. Lua itself costs more than
-- the commands (decoding and encoding records, defining these functions on every call): a record is
-- encoded once per change (encoded), and the settings are decoded only by a script that reads them.
local RECORDS, PAYLOADS, READY, LATER, LEASED, KEPT, CONFIG, QUEUE =
    KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local STATE = {QUEUED = KEYS[9], SCHEDULED = KEYS[10], RUNNING = KEYS[11], SUCCEEDED = KEYS[12], FAILED = KEYS[13],
    DEAD = KEYS[14], CANCELLED = KEYS[15]}
local NOW, STATUS_TTL = tonumber(ARGV[1]), tonumber(ARGV[3])
-- The queue's settings, read on first use: most calls need none. Only the service writes them, as
-- JSON it made, so decoding them late (after a script's first writes) cannot fail where early could not.
local SETTINGS = setmetatable({}, {__index = function(settings, field)
  setmetatable(settings, nil)
  for name, value in pairs(cjson.decode(redis.call('GET', CONFIG) or ARGV[2])) do
    settings[name] = value
  end
  return settings[field]
end})
local QUEUE_STATE = redis.call('HMGET', QUEUE, 'due', 'exp')
-- The earliest time upkeep may find work (a lower bound: a task leaving a set does not raise it).
local DUE = tonumber(QUEUE_STATE[1])
local EXPIRING = QUEUE_STATE[2] == '1'
-- What this call changed: fields of QUEUE to write, and whether a task entered a live or finished state.
local changed = {}
local went_live, went_done = false, false
-- The tasks upkeep ended (a lease ran out on the last attempt, or on a cancelled task): id, record and
-- payload of each, told to the caller after the script's own answer (see finish).
local ENDED = {}

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

-- The task place() stored last, and the JSON it stored it as: what a reply of that task sends.
local placed, placed_json = nil, nil

-- The task as JSON: as place() stored it, when it was the last task placed.
local function encoded(task)
  if task ~= nil and task == placed then
    return placed_json
  end
  return cjson.encode(task)
end

local function reply(kind, id, task)
  return {kind, id, encoded(task), redis.call('HGET', PAYLOADS, id) or ''}
end

-- Lowers DUE to a score just put in later, leased or kept.
local function due_at(score)
  if not DUE or score < DUE then
    DUE = score
    changed.due = num(score)
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
    went_live = true
  elseif task.st == 'SCHEDULED' or task.st == 'FAILED' then
    redis.call('ZADD', LATER, num(task.ra), id)
    due_at(task.ra)
    went_live = true
  elseif task.st == 'RUNNING' then
    redis.call('ZADD', LEASED, num(task.le), id)
    due_at(task.le)
    went_live = true
  else
    local ttl = STATUS_TTL
    if task.st == 'DEAD' then
      ttl = SETTINGS.deadTtl
    end
    task.ku = task.fa + ttl
    redis.call('ZADD', KEPT, num(task.ku), id)
    due_at(task.ku)
    went_done = true
  end
  placed, placed_json = task, cjson.encode(task)
  redis.call('HSET', RECORDS, id, placed_json)
end

-- Brings the queue up to date (as InMemoryTaskRepository.Queue.catchUp): finished tasks past their
-- retention go, expired leases are reclaimed (Task.expireLease), due tasks are promoted (Task.promote).
-- Each step is bounded per call; what is left waits for the next call. Nothing to do before DUE.
local function catch_up()
  if not DUE or DUE > NOW then
    return
  end
  local gone = redis.call('ZRANGEBYSCORE', KEPT, '-inf', NOW, 'LIMIT', 0, 1000)
  if #gone > 0 then
    redis.call('HDEL', RECORDS, unpack(gone))
    redis.call('HDEL', PAYLOADS, unpack(gone))
    redis.call('ZREM', KEPT, unpack(gone))
    redis.call('ZREM', STATE.SUCCEEDED, unpack(gone))
    redis.call('ZREM', STATE.DEAD, unpack(gone))
    redis.call('ZREM', STATE.CANCELLED, unpack(gone))
    -- The queue may have nothing left at all: settle looks.
    went_done = true
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
    if task.st ~= 'QUEUED' then
      ENDED[#ENDED + 1] = id
      ENDED[#ENDED + 1] = encoded(task)
      ENDED[#ENDED + 1] = redis.call('HGET', PAYLOADS, id) or ''
    end
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', LATER, '-inf', NOW, 'LIMIT', 0, 1000)) do
    local task = load(id)
    unplace(id, task)
    task.st = 'QUEUED'
    task.cr = false
    task.ua = NOW
    place(id, task)
  end
  -- The next time upkeep can find work: the earliest head of the three sets.
  DUE = nil
  for _, key in ipairs({KEPT, LEASED, LATER}) do
    local head = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    if head[2] and (not DUE or tonumber(head[2]) < DUE) then
      DUE = tonumber(head[2])
    end
  end
  changed.due = DUE and num(DUE) or ''
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

-- Ends every script: writes what changed of the queue's state, and gives the queue's keys their
-- lifetime. While a task waits or runs, nothing of the queue expires; once none does, every key
-- expires with the last finished task (the queue's settings and idempotency keys live on their own),
-- and when no task is left at all, the keys go.
local function settle()
  if went_done and redis.call('ZCARD', LEASED) == 0 and redis.call('ZCARD', READY) == 0
      and redis.call('ZCARD', LATER) == 0 then
    local last = redis.call('ZRANGE', KEPT, -1, -1, 'WITHSCORES')
    if not last[2] then
      redis.call('DEL', RECORDS, PAYLOADS, QUEUE)
      return
    end
    local ms = math.max(1, tonumber(last[2]) - NOW)
    for _, key in ipairs({RECORDS, PAYLOADS, QUEUE, KEPT, STATE.SUCCEEDED, STATE.DEAD, STATE.CANCELLED}) do
      redis.call('PEXPIRE', key, ms)
    end
    if not EXPIRING then
      changed.exp = '1'
    end
  elseif went_live and EXPIRING then
    for _, key in ipairs({RECORDS, PAYLOADS, QUEUE, KEPT, STATE.SUCCEEDED, STATE.DEAD, STATE.CANCELLED}) do
      redis.call('PERSIST', key)
    end
    changed.exp = ''
  end
  local fields = {}
  for field, value in pairs(changed) do
    fields[#fields + 1] = field
    fields[#fields + 1] = value
  end
  if #fields > 0 then
    redis.call('HSET', QUEUE, unpack(fields))
  end
end

-- Ends every script (return finish(answer)): settles the queue, then answers the script's own
-- answer followed by what upkeep ended (id, record, payload each) and, last, how many it ended.
local function finish(answer)
  settle()
  for _, v in ipairs(ENDED) do
    answer[#answer + 1] = v
  end
  answer[#answer + 1] = #ENDED / 3
  return answer
end

-- The next sequence of the queue, which orders its tasks.
local function next_sequence()
  return redis.call('HINCRBY', QUEUE, 'seq', 1)
end

-- The task under its id once the queue is caught up, or the answer when there is none.
local function existing(id)
  catch_up()
  local task = load(id)
  if not task then
    return nil, {'notfound'}
  end
  return task
end

-- The task its caller holds with the lease token, once the queue is caught up; or nil and the answer
-- refusing the caller (no such task, or see refusal).
local function held(id, token)
  local task, missing = existing(id)
  if not task then
    return nil, missing
  end
  local refused = refusal(id, task, token)
  if refused then
    return nil, refused
  end
  return task
end

-- Leases up to most due tasks, highest priority first and FIFO within one (Task.claim), for lease ms
-- ('0' for the queue's default); each task's token is the claim's random base, its index in the
-- claim, '.', its fencing. Appends id, record, payload per task to out; answers how many it leased.
local function claim_due(out, most, lease, base)
  lease = tonumber(lease)
  if lease == 0 then
    lease = SETTINGS.lease
  end
  local ids = redis.call('ZRANGE', READY, 0, tonumber(most) - 1)
  for i, id in ipairs(ids) do
    local task = load(id)
    unplace(id, task)
    task.st = 'RUNNING'
    task.at = task.at + 1
    task.fe = task.fe + 1
    task.lt = base .. (i - 1) .. '.' .. num(task.fe)
    task.le = NOW + lease
    task.cr = false
    task.fa = nil
    task.ua = NOW
    place(id, task)
    out[#out + 1] = id
    out[#out + 1] = encoded(task)
    out[#out + 1] = redis.call('HGET', PAYLOADS, id) or ''
  end
  return #ids
end

-- When the queue has nothing to claim: the earliest run-at of a waiting task or lease end of a
-- running one (ms, as text), or '' when there is neither.
local function next_due()
  local retry = redis.call('ZRANGE', LATER, 0, 0, 'WITHSCORES')
  local running = redis.call('ZRANGE', LEASED, 0, 0, 'WITHSCORES')
  local due = nil
  if retry[2] then due = tonumber(retry[2]) end
  if running[2] and (not due or tonumber(running[2]) < due) then due = tonumber(running[2]) end
  return due and num(due) or ''
end
