-- Leases up to N due tasks of the queue, highest priority first and FIFO within one (Task.claim),
-- after reclaiming expired leases and promoting due tasks.
-- ARGV[4] most tasks   ARGV[5] lease (ms; '0' for the queue's default)   ARGV[6] lease token base (each task's token: base, its index in the claim, '.', fencing)
-- Returns {next due (ms) or '' , then id, record, payload per claimed task}; next due only when
-- nothing was claimed: the earliest run-at of a waiting task or lease end of a running one.
-- #include lib_task_queue

catch_up()
local out = {''}
if claim_due(out, ARGV[4], ARGV[5], ARGV[6]) == 0 then
  out[1] = next_due()
end
return finish(out)
