-- GET /items/{id}: a random item of a random seeded user, with its owner's token.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local headers, items_per_user

function init(args)
  report.seed_random()
  headers = report.user_headers()
  items_per_user = report.items_per_user()
end

function request()
  local user = math.random(#headers)
  local item = math.random(0, items_per_user - 1)
  return wrk.format("GET", "/items/bench-u" .. (user - 1) .. "-" .. item, headers[user])
end

done = report.done
