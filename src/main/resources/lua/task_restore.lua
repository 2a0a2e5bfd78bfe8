-- Stores tasks copied from elsewhere (an import) into one queue, as they were, each unless the queue
-- holds a task of its id. A task keeps its sequence unless a task of the queue has it (then it takes the
-- queue's next), and the queue's sequence goes on after the highest; a finished one whose retention
-- passed is left out. Publishes once on the queue's
-- channel when a task became claimable.
-- KEYS[16..] idempotency keys (string "<id>|<window end ms>"), as the tasks name them
-- ARGV[4] idempotency window (ms)   ARGV[5] channel   ARGV[6] number of tasks, then 4 per task:
-- id, record (JSON, as the scripts write it, without a lease), payload, index of its idempotency key in KEYS ('0' for none)
-- Returns one word per task: 'stored', 'existing' or 'expired'.
-- #include lib_task_queue

catch_up()
local window = tonumber(ARGV[4])
local out = {}
local claimable = false
for i = 1, tonumber(ARGV[6]) do
  local a = 6 + (i - 1) * 4
  local id, record, payload, keyAt = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4])
  local task = cjson.decode(record)
  local finished = task.st == 'SUCCEEDED' or task.st == 'DEAD' or task.st == 'CANCELLED'
  local ttl = STATUS_TTL
  if task.st == 'DEAD' then
    ttl = SETTINGS.deadTtl
  end
  if load(id) then
    out[#out + 1] = 'existing'
  elseif finished and task.fa + ttl <= NOW then
    out[#out + 1] = 'expired'
  else
    local taken = false
    for _, ids in pairs(STATE) do
      if redis.call('ZCOUNT', ids, task.sq, task.sq) > 0 then
        taken = true
        break
      end
    end
    if taken then
      task.sq = next_sequence()
    elseif task.sq > tonumber(redis.call('HGET', QUEUE, 'seq') or '0') then
      redis.call('HSET', QUEUE, 'seq', num(task.sq))
    end
    redis.call('HSET', PAYLOADS, id, payload)
    place(id, task)
    if keyAt > 0 then
      local windowEnd = task.ca + window
      if windowEnd > NOW then
        -- Only where the key names no task of the queue within its window already.
        local remembered = redis.call('GET', KEYS[keyAt])
        local taken = false
        if remembered then
          local bar = string.find(remembered, '|', 1, true)
          taken = tonumber(string.sub(remembered, bar + 1)) > NOW and load(string.sub(remembered, 1, bar - 1)) ~= nil
        end
        if not taken then
          redis.call('SET', KEYS[keyAt], id .. '|' .. num(windowEnd), 'PX', num(windowEnd - NOW))
        end
      end
    end
    if (task.st == 'QUEUED' or task.st == 'SCHEDULED' or task.st == 'FAILED') and task.ra <= NOW then
      claimable = true
    end
    out[#out + 1] = 'stored'
  end
end
if claimable then
  redis.call('PUBLISH', ARGV[5], '1')
end
return finish(out)
