-- Cancels a task (Task.cancel): a waiting one at once, a running one by marking it; a repeat
-- answers the same; a succeeded or dead task is refused.
-- ARGV[4] task id
-- Returns {'done', id, record, payload}, {'wrong', state} or {'notfound'}.
-- #include lib_task_queue

local id = ARGV[4]
local task, missing = existing(id)
if not task then
  return finish(missing)
end
if task.st == 'SUCCEEDED' or task.st == 'DEAD' then
  return finish({'wrong', task.st})
end
if task.st ~= 'CANCELLED' and not (task.st == 'RUNNING' and task.cr) then
  unplace(id, task)
  if task.st == 'RUNNING' then
    task.cr = true
  else
    task.st = 'CANCELLED'
    task.cr = false
    task.fa = NOW
  end
  task.ua = NOW
  place(id, task)
end
return finish(reply('done', id, task))
