-- Enqueues a batch of tasks into one queue, in order (Task.enqueue): each one new, a repeat of the
-- task its idempotency key names within the window, or refused when the queue is full. Publishes
-- once on the queue's channel when a task became claimable.
-- KEYS[16..] idempotency keys (string "<id>|<window end ms>"), as the tasks name them
-- ARGV[4] idempotency window (ms)   ARGV[5] channel   ARGV[6] number of tasks, then 8 per task:
-- id, payload, delay (ms), priority, max attempts ('' for the queue's), index of its idempotency key
-- in KEYS ('0' for none), the key itself, progress id ('' for none)
-- Returns 4 per task: 'new' | 'repeat' | 'full', id, record (max queued for 'full'), payload (repeats only).
-- #include lib_task_queue

catch_up()
local window = tonumber(ARGV[4])
local out = {}
local claimable = false
for i = 1, tonumber(ARGV[6]) do
  local a = 6 + (i - 1) * 8
  local id, payload, delay, priority, attempts, keyAt, key, progress =
      ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), ARGV[a + 5], tonumber(ARGV[a + 6]),
      ARGV[a + 7], ARGV[a + 8]
  local known = nil
  if keyAt > 0 then
    local remembered = redis.call('GET', KEYS[keyAt])
    if remembered then
      local bar = string.find(remembered, '|', 1, true)
      local knownId = string.sub(remembered, 1, bar - 1)
      if tonumber(string.sub(remembered, bar + 1)) > NOW and load(knownId) then
        known = knownId
      end
    end
  end
  if known then
    local r = reply('repeat', known, load(known))
    for _, v in ipairs(r) do out[#out + 1] = v end
  elseif redis.call('ZCARD', READY) + redis.call('ZCARD', LATER) >= SETTINGS.maxQueued then
    out[#out + 1] = 'full'
    out[#out + 1] = id
    out[#out + 1] = num(SETTINGS.maxQueued)
    out[#out + 1] = ''
  else
    local task = {st = 'QUEUED', at = 0, ma = SETTINGS.maxAttempts, pr = priority,
        sq = next_sequence(), ra = NOW + delay, fe = 0, cr = false, ca = NOW, ua = NOW}
    if task.ra > NOW then
      task.st = 'SCHEDULED'
    else
      claimable = true
    end
    if attempts ~= '' then task.ma = tonumber(attempts) end
    if keyAt > 0 then task.ik = key end
    if progress ~= '' then task.pi = progress end
    redis.call('HSET', PAYLOADS, id, payload)
    place(id, task)
    if keyAt > 0 then
      redis.call('SET', KEYS[keyAt], id .. '|' .. num(NOW + window), 'PX', window)
    end
    out[#out + 1] = 'new'
    out[#out + 1] = id
    out[#out + 1] = encoded(task)
    out[#out + 1] = ''
  end
end
if claimable then
  redis.call('PUBLISH', ARGV[5], '1')
end
return finish(out)
