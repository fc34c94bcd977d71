-- GET /users/{u}/items?limit=20&category=catK: the newest page of 20 items of
-- one category (a random one of the seeded categories) of a random user.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local headers, categories

function init(args)
  report.seed_random()
  headers = report.user_headers()
  categories = report.categories()
end

function request()
  local user = math.random(#headers)
  local category = math.random(0, categories - 1)
  return wrk.format("GET", "/users/bench-u" .. (user - 1) .. "/items?limit=20&category=cat" .. category,
                    headers[user])
end

done = report.done
