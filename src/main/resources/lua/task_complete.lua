-- Finishes a running task as succeeded for the holder of its current token (Task.complete); a
-- repeat by the same token answers the succeeded task again. With a next claim, the same call then
-- leases up to that many due tasks of the queue, as task_claim.lua does: a worker's loop takes one
-- round trip per task.
-- ARGV[4] task id   ARGV[5] lease token   ARGV[6] '1' when a result follows   ARGV[7] result
-- ARGV[8] most tasks to claim next ('0' for none)   ARGV[9] their lease (ms; '0' for the default)
-- ARGV[10] their lease token base
-- Returns {'done' | 'cancelled', id, record, payload}, {'stale', reason}, {'wrong', state} or {'notfound'};
-- 'done' with a next claim goes on with its reply as task_claim.lua's: next due or '', then id,
-- record, payload per claimed task.
-- #include lib_task_queue

local id = ARGV[4]
local task, missing = existing(id)
if not task then
  return finish(missing)
end
local out
if task.st == 'SUCCEEDED' and task.lt == ARGV[5] then
  out = reply('done', id, task)
else
  local refused = refusal(id, task, ARGV[5])
  if refused then
    return finish(refused)
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
  out = reply('done', id, task)
end
if ARGV[8] ~= '0' then
  local at = #out + 1
  out[at] = ''
  if claim_due(out, ARGV[8], ARGV[9], ARGV[10]) == 0 then
    out[at] = next_due()
  end
end
return finish(out)
