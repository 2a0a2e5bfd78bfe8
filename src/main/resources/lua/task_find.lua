-- One task, after bringing its queue up to date.
-- ARGV[4] task id
-- Returns {'found', id, record, payload}, or {} when there is no such task.
-- #include lib_task_queue

catch_up()
local task = load(ARGV[4])
if not task or (task.ku and task.ku <= NOW) then
  return finish({})
end
return finish(reply('found', ARGV[4], task))
