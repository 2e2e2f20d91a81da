-- wrk script of bench/bench_sync_server.py: one kind of request (a push or a leaderboard read),
-- a random user's access token per request, a think-time pause after each answer, and in done()
-- the latency percentiles written as one JSON line. Configured through the environment:
--   BENCH_KIND       push | board
--   BENCH_TOKENS     a Lua file returning the list of access tokens (one per seeded user)
--   BENCH_DAYS       comma-separated YYYY-MM-DD days a push picks from
--   BENCH_THINK_MS   mean pause in ms (each pause uniform in 0.5-1.5 x); 0: closed loop
--   BENCH_PORTS      comma-separated ports of the server processes; wrk thread i uses port i
--   BENCH_OUT        the file done() appends its JSON line to

local kind = os.getenv("BENCH_KIND") or "push"
local think = tonumber(os.getenv("BENCH_THINK_MS") or "0")
local langs = {"Python", "Rust", "Go", "TypeScript", "C", "C++", "Java", "Kotlin", "Ruby", "Zig"}
local periods = {"day", "week", "month"}
local metrics = {"coding", "active", "productivity", "focus"}

local function split(s)
  local out = {}
  for part in string.gmatch(s or "", "[^,]+") do out[#out + 1] = part end
  return out
end

local days = split(os.getenv("BENCH_DAYS"))
local tokens = dofile(os.getenv("BENCH_TOKENS"))
local ports = split(os.getenv("BENCH_PORTS"))
local threads = {}
local counter = 0

function setup(thread)
  -- Spread the threads (so the connections) over the server processes, one port each.
  counter = counter + 1
  local port = ports[((counter - 1) % #ports) + 1]
  thread.addr = wrk.lookup("127.0.0.1", port)[1]
  thread:set("id", counter)
  threads[#threads + 1] = thread
end

statuses = {}  -- global: done() reads it from each thread

function init(args)
  math.randomseed(os.time() * 1000 + (id or 0))
end

local function rnd(a, b) return math.random(a, b) end

function request()
  local headers = {["Authorization"] = "Bearer " .. tokens[rnd(1, #tokens)]}
  if kind == "push" then
    local a = rnd(600, 30000)
    headers["Content-Type"] = "application/json"
    local body = string.format(
      '{"device":"laptop","active_seconds":%d,"coding_seconds":%d,"productive_seconds":%d,' ..
      '"productivity_score":%d,"focus_sessions":%d,"focus_seconds":%d,' ..
      '"languages":{"%s":%d},"categories":{"Work":%d}}',
      a, math.floor(a / 2), math.floor(a / 2), rnd(0, 100), rnd(0, 6), math.floor(a / 4),
      langs[rnd(1, #langs)], math.floor(a / 3), math.floor(a / 2))
    return wrk.format("PUT", "/api/v1/aggregates/" .. days[rnd(1, #days)], headers, body)
  end
  local path
  if math.random() < 0.2 then
    path = "/api/v1/leaderboards?period=week&metric=coding&language=" .. langs[rnd(1, #langs)]
  else
    path = "/api/v1/leaderboards?period=" .. periods[rnd(1, 3)] .. "&metric=" .. metrics[rnd(1, 4)]
  end
  return wrk.format("GET", path, headers)
end

function delay()
  if think <= 0 then return 0 end
  return math.floor(think * (0.5 + math.random()))
end

function response(status, headers, body)
  if status ~= 200 then
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s or {}) do bad[#bad + 1] = string.format('"%s": %d', code, n) end
  end
  local e = summary.errors
  local f = io.open(os.getenv("BENCH_OUT"), "a")
  f:write(string.format(
    '{"kind": "%s", "requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "socket_errors": %d, "non_200": {%s}}\n',
    kind, summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, table.concat(bad, ", ")))
  f:close()
end
