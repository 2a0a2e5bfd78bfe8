-- Extends a running task's lease for the holder of its current token (Task.heartbeat); refuses a
-- stale token, and tells of a requested cancel (the task is then cancelled).
-- ARGV[4] task id   ARGV[5] lease token   ARGV[6] extension (ms; '0' for the queue's default lease)
-- Returns {'done' | 'cancelled', id, record, payload}, {'stale', reason}, {'wrong', state} or {'notfound'}.
-- #include lib_task_queue

local id = ARGV[4]
local task, refused = held(id, ARGV[5])
if not task then
  return finish(refused)
end
local extension = tonumber(ARGV[6])
if extension == 0 then
  extension = SETTINGS.lease
end
unplace(id, task)
task.le = NOW + extension
task.cr = false
task.ua = NOW
place(id, task)
return finish(reply('done', id, task))
