-- cache GET (60%), cache PUT (20%), rate limit check (20%) for project bench
local counter = 0
request = function()
  counter = counter + 1
  local r = counter % 10
  if r < 6 then
    return wrk.format("GET", "/v1/projects/bench/cache/k" .. (counter % 100))
  elseif r < 8 then
    wrk.headers["Content-Type"] = "application/json"
    return wrk.format("PUT", "/v1/projects/bench/cache/k" .. (counter % 100), nil, '{"value": {"n": ' .. counter .. '}}')
  else
    wrk.headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/v1/projects/bench/rate-limits/check", nil, '{"policy": "default", "scope": "user", "identifier": "u' .. (counter % 1000) .. '"}')
  end
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("requests=%d rps=%.0f p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms non2xx/3xx=%d timeouts=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status, summary.errors.timeout))
end
