-- GET /healthz: no auth, no store. The in-run ceiling the other scenarios
-- are compared with. A fixed request, so wrk sends a pre-built buffer.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

wrk.method = "GET"
wrk.path = "/healthz"
done = report.done
