-- Shared by the scenario scripts (loaded with dofile, not a scenario of its
-- own): the benchmark users' tokens and data-set shape from the environment
-- bench/run.sh sets, and the one-line JSON report run.sh reads.
--
--   WDRBE_BENCH_TOKENS          tokens of bench-u0, bench-u1, ... separated by spaces
--   WDRBE_BENCH_ITEMS_PER_USER  items bench-u{u}-0 .. bench-u{u}-{N-1} exist for every user
--   WDRBE_BENCH_CATEGORIES      items are in categories cat0 .. cat{K-1}
local M = {}

local function env_int(name, default)
  local value = tonumber(os.getenv(name) or "")
  if value == nil then
    if default ~= nil then return default end
    error(name .. " must be set to a number")
  end
  return math.floor(value)
end

M.items_per_user = function() return env_int("WDRBE_BENCH_ITEMS_PER_USER") end
M.categories = function() return env_int("WDRBE_BENCH_CATEGORIES", 5) end

-- One header table per user, index u + 1 for bench-u{u}.
M.user_headers = function(extra)
  local all = {}
  for token in string.gmatch(os.getenv("WDRBE_BENCH_TOKENS") or "", "%S+") do
    local headers = { Authorization = "Bearer " .. token }
    for k, v in pairs(extra or {}) do headers[k] = v end
    all[#all + 1] = headers
  end
  if #all == 0 then error("WDRBE_BENCH_TOKENS must hold at least one token") end
  return all
end

-- Different wrk threads (and runs) draw different sequences.
M.seed_random = function()
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + math.random(1, 1e6))
end

-- wrk calls done() once, in its main Lua state, after the run.
M.done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"requests_per_s":%.1f,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end

return M
