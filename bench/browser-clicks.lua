-- wrk script: GET /<code> for random codes from a file, as browsers, previewers and monitors would send it:
-- a rotating set of real user agents and referrers, so the aggregator's full enrichment runs.
--   wrk ... -s bench/browser-clicks.lua http://127.0.0.1:PORT/ -- CODES_FILE [RATE]
-- With RATE (requests a second, for one wrk thread: run it with -t1), requests are paced to that rate instead of
-- as fast as responses come back; a server that cannot keep up gets them back to back.
local ffi = require("ffi")
ffi.cdef [[
   typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
   int clock_gettime(int clock, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now()
   ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
   return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end
local interval = 0
local next_at = nil
local agents = {
   "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
   "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
   "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
   "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
   "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
   "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
}
local referrers = { "https://news.example/story", "https://www.social.example/feed", "" }
local requests = {}
local count = 0

function init(args)
   local path = args[1] or error("usage: wrk ... -s browser-clicks.lua URL -- CODES_FILE")
   local i = 0
   for line in io.lines(path) do
      if line ~= "" then
         i = i + 1
         local headers = { ["User-Agent"] = agents[(i % #agents) + 1] }
         local r = referrers[(i % #referrers) + 1]
         if r ~= "" then headers["Referer"] = r end
         count = count + 1
         requests[count] = wrk.format("GET", "/" .. line, headers)
      end
   end
   if count == 0 then error("no codes in " .. path) end
   local rate = tonumber(args[2] or "0") or 0
   if rate > 0 then interval = 1 / rate end
   math.randomseed(os.time())
end

-- each request gets the next slot of the schedule; a schedule more than 1 s behind starts again from now (no
-- long burst to catch up). wrk delays in whole milliseconds, so slots are rounded down; late requests catch up.
function delay()
   if interval == 0 then return 0 end
   local t = now()
   if next_at == nil or next_at < t - 1 then next_at = t end
   next_at = next_at + interval
   local d = (next_at - t) * 1000
   if d < 1 then return 0 end
   return math.floor(d)
end

function request()
   return requests[math.random(count)]
end

function done(summary, latency)
   local e = summary.errors
   io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d socket_errors=%d http_errors=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.connect + e.read + e.write + e.timeout, e.status))
end
