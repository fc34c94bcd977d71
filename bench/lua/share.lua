-- POST /items/{id}/share: a durable enqueue of a share event for a random
-- seeded item of a random seeded user (no idempotency key: every 202 is a
-- new event).
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local headers, items_per_user

function init(args)
  report.seed_random()
  headers = report.user_headers({ ["Content-Type"] = "application/json" })
  items_per_user = report.items_per_user()
end

function request()
  local user = math.random(#headers)
  local item = math.random(items_per_user) - 1
  return wrk.format("POST", "/items/bench-u" .. (user - 1) .. "-" .. item .. "/share", headers[user])
end

done = report.done
