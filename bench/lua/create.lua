-- POST /users/{u}/items: a new item (server-made id, no idempotency key) for
-- a random seeded user. Every 201 is a durable write when the server runs
-- with --durability full.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local headers, categories
local seasons = { "spring", "summer", "autumn", "winter" }
local counter = 0

function init(args)
  report.seed_random()
  headers = report.user_headers({ ["Content-Type"] = "application/json" })
  categories = report.categories()
end

function request()
  local user = math.random(#headers)
  counter = counter + 1
  local body = string.format(
    '{"name":"Bench create %d","category":"cat%d","season":"%s","color":"navy","brand":"Acme"}',
    counter, counter % categories, seasons[counter % 4 + 1])
  return wrk.format("POST", "/users/bench-u" .. (user - 1) .. "/items", headers[user], body)
end

done = report.done
