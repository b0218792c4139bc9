-- POST a payment of 10.000 đ to a random active loan of $CODES, each with an
-- Idempotency-Key of its own, signed in with $TOKEN (bench/api_load.sh).
local codes = {}
for line in io.lines(os.getenv("CODES")) do codes[#codes + 1] = line end
local date = os.getenv("DATE")
local authorization = "Bearer " .. os.getenv("TOKEN")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local sent = 0
function init()
  math.randomseed(os.time() * 100 + (id or 0))
end
function request()
  sent = sent + 1
  local body = '{"kind":"pay","amount_dong":10000,"date":"' .. date .. '"}'
  -- (wrk.format's headers replace wrk.headers: all of them here.)
  return wrk.format("POST", "/api/loans/" .. codes[math.random(#codes)] .. "/actions",
                    {["Authorization"] = authorization, ["Content-Type"] = "application/json",
                     ["Idempotency-Key"] = "bench-" .. os.time() .. "-" .. id .. "-" .. sent}, body)
end
