-- One operation of the benchmark, for wrk: the requests bench.http.Wrk wrote to a data file, sent in
-- turn over keep-alive connections. Each is formatted once in init(), so sending one costs wrk a table
-- lookup, the same for every operation (the floor included) and for the null server.
--
--   wrk -t1 -c50 -d8s -s operation.lua URL -- METHOD KEY DATA
--     METHOD  GET, PUT, POST...
--     KEY     the API key sent as "Authorization: Bearer KEY", or - for none
--     DATA    one request a line: the path, then a tab and the JSON body if it has one
--
-- done() prints one line, "wrk-result name=value ...", that the harness reads. Responses are not
-- parsed in Lua (a response() callback would make wrk copy every header and body into Lua and cost
-- the generator more than the floor itself): wrk counts statuses outside 2xx/3xx as non2xx.

local prepared = {}
local n = 0
local i = 0
local threads = 0

function setup(thread)
  -- Threads start at different requests, so they do not send the same key at the same time.
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  local method, key, data = args[1], args[2], args[3]
  for line in io.lines(data) do
    local path, body = line:match("^([^\t]*)\t?(.*)$")
    local headers = {}
    if key ~= "-" then
      headers["Authorization"] = "Bearer " .. key
    end
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    n = n + 1
    prepared[n] = wrk.format(method, path, headers, body)
  end
  i = (offset or 0) % n
end

function request()
  i = i % n + 1
  return prepared[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk-result requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d "
      .. "p50_us=%d p99_us=%d max_us=%d\n", summary.requests, summary.duration, e.status, e.connect, e.read, e.write,
      e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
