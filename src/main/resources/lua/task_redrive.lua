-- Puts dead letters back in the queue with their attempts reset (Task.redrive): the ids given, or
-- up to 1,000 of them in sequence order. Publishes once on the queue's channel when any came back.
-- ARGV[4] channel   ARGV[5] 'all' or 'ids'   ARGV[6..] the ids
-- Returns {how many were redriven, how many ids were examined}.
-- #include lib_task_queue

catch_up()
local ids
if ARGV[5] == 'all' then
  ids = redis.call('ZRANGE', STATE.DEAD, 0, 999)
else
  ids = {unpack(ARGV, 6)}
end
local redriven = 0
for _, id in ipairs(ids) do
  local task = load(id)
  if task and task.st == 'DEAD' then
    unplace(id, task)
    task.st = 'QUEUED'
    task.at = 0
    task.sq = next_sequence()
    task.ra = NOW
    task.lt = nil
    task.le = nil
    task.rs = nil
    task.cr = false
    task.fa = nil
    task.ua = NOW
    place(id, task)
    redriven = redriven + 1
  end
end
if redriven > 0 then
  redis.call('PUBLISH', ARGV[4], '1')
end
return finish({redriven, #ids})
