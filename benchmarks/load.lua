-- wrk script for benchmarks/load.py: rotate over the given paths with an API token and
-- print the figures as one JSON line. Arguments: TOKEN PATH [PATH ...]
local paths = {}
local counter = 0

init = function(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  for i = 2, #args do paths[#paths + 1] = args[i] end
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end
