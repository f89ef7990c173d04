-- wrk -s elasticsearch-bulk.lua URL -- BODY: POSTs the NDJSON file BODY to URL (an index's _bulk) on every request.
-- Every response is checked: Elasticsearch answers 200 to a bulk whose items failed, with "errors":true, so a count
-- of requests alone would count failed documents as indexed. done() prints the tally bench/elasticsearch.py reads.

function init(args)
   local file = assert(io.open(args[1], "rb"))
   wrk.method = "POST"
   wrk.body = file:read("*a")
   wrk.headers["Content-Type"] = "application/x-ndjson"
   file:close()
   checked, failed = 0, 0
end

function response(status, headers, body)
   checked = checked + 1
   if status ~= 200 or not body:find('"errors":false', 1, true) then
      failed = failed + 1
   end
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function done(summary, latency, requests)
   local all_checked, all_failed = 0, 0
   for _, thread in ipairs(threads) do
      all_checked = all_checked + thread:get("checked")
      all_failed = all_failed + thread:get("failed")
   end
   io.write(string.format("bulk responses checked: %d, failed: %d\n", all_checked, all_failed))
end
