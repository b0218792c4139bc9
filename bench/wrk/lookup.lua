-- GET PREFIX..CODE..SUFFIX for a random code of the file $CODES, signed in
-- with $TOKEN (bench/api_load.sh).
local codes = {}
for line in io.lines(os.getenv("CODES")) do codes[#codes + 1] = line end
local prefix, suffix = os.getenv("PREFIX"), os.getenv("SUFFIX") or ""
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init()
  math.randomseed(os.time() * 100 + (id or 0))
end
function request()
  return wrk.format("GET", prefix .. codes[math.random(#codes)] .. suffix)
end
