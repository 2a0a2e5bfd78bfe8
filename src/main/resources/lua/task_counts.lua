-- Counts the queue's tasks in each state, after bringing it up to date.
-- Returns {7 counts in TaskState order, run-at (ms) of the first-enqueued QUEUED task or ''}.
-- #include lib_task_queue

catch_up()
local out = {}
for _, state in ipairs({'QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'DEAD', 'CANCELLED'}) do
  out[#out + 1] = redis.call('ZCARD', STATE[state])
end
local first = redis.call('ZRANGE', STATE.QUEUED, 0, 0)
out[#out + 1] = ''
if first[1] then
  out[#out] = num(load(first[1]).ra)
end
return finish(out)
