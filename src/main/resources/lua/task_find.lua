-- One task, after bringing its queue up to date.
-- ARGV[4] task id
-- Returns {id, record, payload}, or {} when there is no such task.
-- #include lib_task_queue

catch_up()
local task = load(ARGV[4])
settle()
if not task or (task.ku and task.ku <= NOW) then
  return {}
end
return reply('found', ARGV[4], task)
