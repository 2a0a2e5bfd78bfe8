-- Records a failed attempt for the holder of the current token (Task.fail): FAILED until the
-- backoff passes (RetryPolicy.delayBefore, same arithmetic), or DEAD after the last attempt or a
-- failure that is not retryable.
-- ARGV[4] task id   ARGV[5] lease token   ARGV[6] error   ARGV[7] '1' when retryable   ARGV[8] jitter in [0, 1)
-- Returns {'done' | 'cancelled', id, record, payload}, {'stale', reason}, {'wrong', state} or {'notfound'}.
-- #include lib_task_queue

local id = ARGV[4]
local task, refused = held(id, ARGV[5])
if not task then
  return finish(refused)
end
unplace(id, task)
task.er = ARGV[6]
task.cr = false
task.ua = NOW
if ARGV[7] ~= '1' or task.at >= task.ma then
  task.st = 'DEAD'
  task.fa = NOW
else
  local min, max = SETTINGS.minDelay, SETTINGS.maxDelay
  local base = math.min(max, min * 2 ^ (task.at - 1))
  local jittered = base - math.floor(base * tonumber(ARGV[8]) / 2)
  task.st = 'FAILED'
  task.ra = NOW + math.max(min, math.floor(jittered))
end
place(id, task)
return finish(reply('done', id, task))
