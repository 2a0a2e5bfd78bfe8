-- Finishes a running task as succeeded for the holder of its current token (Task.complete); a
-- repeat by the same token answers the succeeded task again.
-- ARGV[4] task id   ARGV[5] lease token   ARGV[6] '1' when a result follows   ARGV[7] result
-- Returns {'done' | 'cancelled', id, record, payload}, {'stale', reason}, {'wrong', state} or {'notfound'}.
-- #include lib_task_queue

local id = ARGV[4]
local task, missing = existing(id)
if not task then
  return missing
end
if task.st == 'SUCCEEDED' and task.lt == ARGV[5] then
  settle()
  return reply('done', id, task)
end
local refused
task, refused = held(id, task, ARGV[5])
if not task then
  return refused
end
unplace(id, task)
task.st = 'SUCCEEDED'
task.rs = nil
if ARGV[6] == '1' then
  task.rs = ARGV[7]
end
task.cr = false
task.ua = NOW
task.fa = NOW
place(id, task)
settle()
return reply('done', id, task)
