-- GET /users/{u}/items?limit=20: the newest page of 20 of a random seeded user.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local headers

function init(args)
  report.seed_random()
  headers = report.user_headers()
end

function request()
  local user = math.random(#headers)
  return wrk.format("GET", "/users/bench-u" .. (user - 1) .. "/items?limit=20", headers[user])
end

done = report.done
