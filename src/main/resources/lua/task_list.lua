-- One page of the queue's tasks in one state, in sequence order, after bringing it up to date.
-- ARGV[4] state   ARGV[5] sequence after which the page starts   ARGV[6] page size
-- Returns {'1' when more follow else '0', then id, record, payload per task}.
-- #include lib_task_queue

catch_up()
local limit = tonumber(ARGV[6])
local ids = redis.call('ZRANGEBYSCORE', STATE[ARGV[4]], '(' .. ARGV[5], '+inf', 'LIMIT', 0, limit + 1)
local out = {'0'}
if #ids > limit then
  out[1] = '1'
end
for i = 1, math.min(#ids, limit) do
  local id = ids[i]
  local task = load(id)
  -- A finished task past its retention that catch_up has not reached yet is already gone.
  if task and not (task.ku and task.ku <= NOW) then
    out[#out + 1] = id
    out[#out + 1] = cjson.encode(task)
    out[#out + 1] = redis.call('HGET', PAYLOADS, id) or ''
  end
end
return finish(out)
