-- wrk script: each request records one use, POST /api/redemptions, as a partner's ticketing system would.
-- Arguments after "--": token file, cards file (a card number a line), venues file ("venueId offeringId" a line), run id.
-- Every request has its own Idempotency-Key (run id, thread, counter) and a random card and venue of the sets.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_number", #threads)
end

local function read_lines(path)
   local lines = {}
   for line in io.lines(path) do
      if line ~= "" then table.insert(lines, line) end
   end
   return lines
end

function init(args)
   token = read_lines(args[1])[1]
   cards = read_lines(args[2])
   venues = {}
   for _, line in ipairs(read_lines(args[3])) do
      local venue, offering = line:match("(%S+)%s+(%S+)")
      table.insert(venues, { venue = venue, offering = offering })
   end
   key_prefix = args[4] .. "-" .. thread_number .. "-"
   counter = 0
   math.randomseed(os.time() * 100 + thread_number)
end

function request()
   counter = counter + 1
   local venue = venues[math.random(#venues)]
   local body = string.format('{"cardNumber":"%s","venueId":"%s","offeringId":"%s"}',
      cards[math.random(#cards)], venue.venue, venue.offering)
   return wrk.format("POST", "/api/redemptions", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = key_prefix .. counter,
   }, body)
end

-- One JSON line the benchmark tool reads: latencies in microseconds. wrk counts an answer of 400 or more in
-- errors.status; the API answers a use with 201 or a problem (4xx/5xx), so that count is the non-201 count.
-- (A response() callback would count exactly, but makes wrk hand every answer's headers and body to Lua: measured
-- at about 3 µs more of wrk's CPU per request, 17 → 20 µs, taken from the services on a small machine.)
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCHMARK-RESULT {"requests":%d,"durationUs":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
      '"p50":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f}\n',
      summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
