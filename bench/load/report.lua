-- wrk script for bench/load.sh: optional POST body from a file, and a machine-readable summary line.
--   BODY_FILE=path   POST this file as application/json (else GET)
local body_file = os.getenv("BODY_FILE")
local threads = {}
local counter = 0

if body_file and body_file ~= "" then
  local handle = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = handle:read("*a")
  handle:close()
  wrk.headers["Content-Type"] = "application/json"
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  done_requests = 0
  bad = 0
end

function response(status, headers, body)
  done_requests = done_requests + 1
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local non200 = 0
  for _, thread in ipairs(threads) do
    non200 = non200 + (thread:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non200=%d "
      .. "socket_errors=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, non200,
    e.connect + e.read + e.write + e.timeout))
end
