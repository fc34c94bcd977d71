-- GET /users/{u}/items?limit=20 for one user, bench-u{WDRBE_BENCH_LIST_USER}
-- (its token is that index's in WDRBE_BENCH_TOKENS): the newest page, as
-- bench/big_user.sh compares for a user with 1,000,000 items and one with
-- 1,000. A fixed request, so wrk sends a pre-built buffer.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local user = tonumber(os.getenv("WDRBE_BENCH_LIST_USER") or "")
if user == nil then error("WDRBE_BENCH_LIST_USER must be set to a user number") end
local headers = report.user_headers()[user + 1]
if headers == nil then error("no token for bench-u" .. user) end

wrk.method = "GET"
wrk.path = "/users/bench-u" .. user .. "/items?limit=20"
wrk.headers = headers
done = report.done
