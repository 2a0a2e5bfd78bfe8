-- Leases up to N due tasks of the queue, highest priority first and FIFO within one (Task.claim),
-- after reclaiming expired leases and promoting due tasks.
-- ARGV[4] most tasks   ARGV[5] lease (ms; '0' for the queue's default)   ARGV[6] lease token base (each task's token: base, its index in the claim, '.', fencing)
-- Returns {next due (ms) or '' , then id, record, payload per claimed task}; next due only when
-- nothing was claimed: the earliest run-at of a waiting task or lease end of a running one.
-- #include lib_task_queue

catch_up()
local lease = tonumber(ARGV[5])
if lease == 0 then
  lease = SETTINGS.lease
end
local ids = redis.call('ZRANGE', READY, 0, tonumber(ARGV[4]) - 1)
local out = {''}
for i, id in ipairs(ids) do
  local task = load(id)
  unplace(id, task)
  task.st = 'RUNNING'
  task.at = task.at + 1
  task.fe = task.fe + 1
  -- The claim's random base and the task's place in the claim: every task of one claim has a token of its own.
  task.lt = ARGV[6] .. (i - 1) .. '.' .. num(task.fe)
  task.le = NOW + lease
  task.cr = false
  task.fa = nil
  task.ua = NOW
  place(id, task)
  out[#out + 1] = id
  out[#out + 1] = cjson.encode(task)
  out[#out + 1] = redis.call('HGET', PAYLOADS, id) or ''
end
if #ids == 0 then
  local retry = redis.call('ZRANGE', LATER, 0, 0, 'WITHSCORES')
  local running = redis.call('ZRANGE', LEASED, 0, 0, 'WITHSCORES')
  local due = nil
  if retry[2] then due = tonumber(retry[2]) end
  if running[2] and (not due or tonumber(running[2]) < due) then due = tonumber(running[2]) end
  if due then out[1] = num(due) end
end
settle()
return out
