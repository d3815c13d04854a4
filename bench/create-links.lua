-- wrk script: each request POSTs {"url":"https://example.com/<unique>"} to /api/v1/links with a bearer key.
--   wrk ... -s bench/create-links.lua http://127.0.0.1:PORT -- KEY
-- response() counts statuses per thread; done() prints one machine-readable line ("BENCH ...").

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
   table.insert(threads, thread)
end

local prefix
local n = 0
created, other, statuses = 0, 0, {}

function init(args)
   local key = args[1] or error("usage: wrk ... -s create-links.lua URL -- KEY")
   wrk.method = "POST"
   wrk.path = "/api/v1/links"
   wrk.headers["Authorization"] = "Bearer " .. key
   wrk.headers["Content-Type"] = "application/json"
   math.randomseed(os.time() * 1000 + (id or 0) * 7919)
   -- unique across threads and runs: run nonce, thread id, then a counter
   prefix = string.format("https://example.com/%08x-%d-", math.random(0, 0x7fffffff), id or 0)
end

function request()
   n = n + 1
   return wrk.format(nil, nil, nil, '{"url":"' .. prefix .. n .. '"}')
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
   else
      other = other + 1
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency)
   local c, o, by = 0, 0, {}
   for _, t in ipairs(threads) do
      c = c + t:get("created")
      o = o + t:get("other")
      for s, k in pairs(t:get("statuses")) do
         by[s] = (by[s] or 0) + k
      end
   end
   local parts = {}
   for s, k in pairs(by) do
      table.insert(parts, s .. ":" .. k)
   end
   local e = summary.errors
   io.write(string.format("BENCH requests=%d duration_us=%d created=%d other=%d p50_us=%d p99_us=%d socket_errors=%d statuses=%s\n",
      summary.requests, summary.duration, c, o, latency:percentile(50), latency:percentile(99),
      e.connect + e.read + e.write + e.timeout, #parts > 0 and table.concat(parts, ",") or "-"))
end
