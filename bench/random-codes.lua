-- wrk script: each request GETs /<code> for a code drawn at random from a file of codes, one per line.
--   wrk ... -s bench/random-codes.lua http://127.0.0.1:PORT/ -- CODES_FILE
-- Requests are formatted once in init(), so the per-request cost in wrk is one table lookup.
-- done() prints one machine-readable line ("BENCH ...") that bench/redirect parses.

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
   table.insert(threads, thread)
end

local requests = {}
local count = 0

function init(args)
   local path = args[1] or error("usage: wrk ... -s random-codes.lua URL -- CODES_FILE")
   for line in io.lines(path) do
      if line ~= "" then
         count = count + 1
         requests[count] = wrk.format("GET", "/" .. line)
      end
   end
   if count == 0 then
      error("no codes in " .. path)
   end
   -- one seed per thread, so threads do not walk the same sequence
   math.randomseed(os.time() * 1000 + (id or 0) * 7919)
end

function request()
   return requests[math.random(count)]
end

function done(summary, latency)
   local e = summary.errors
   io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d socket_errors=%d http_errors=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.connect + e.read + e.write + e.timeout, e.status))
end
