-- GET /users/{u}/items/search?q=...&limit=20 for one user,
-- bench-u{WDRBE_BENCH_LIST_USER}, with q = WDRBE_BENCH_SEARCH_Q (already
-- percent-encoded): bench/search.sh runs it once per kind of query. A
-- fixed request, so wrk sends a pre-built buffer.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local user = tonumber(os.getenv("WDRBE_BENCH_LIST_USER") or "")
if user == nil then error("WDRBE_BENCH_LIST_USER must be set to a user number") end
local q = os.getenv("WDRBE_BENCH_SEARCH_Q")
if q == nil or q == "" then error("WDRBE_BENCH_SEARCH_Q must be set") end
local headers = report.user_headers()[user + 1]
if headers == nil then error("no token for bench-u" .. user) end

wrk.method = "GET"
wrk.path = "/users/bench-u" .. user .. "/items/search?limit=20&q=" .. q
wrk.headers = headers
done = report.done
