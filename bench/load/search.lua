-- wrk script: GET /v1/search cycling through realistic agent queries.
--   wrk -t2 -c32 -d60s -s bench/load/search.lua http://127.0.0.1:8080 -- QUERIES_FILE [EXTRA_PARAMS]
-- QUERIES_FILE: one query per line (a TSV's first column is used; '#' lines skipped).
-- EXTRA_PARAMS: appended to every URL, e.g. "&facets=false".
local queries = {}
local extra = ""
local counter = 0
local statuses = {}

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  local path = args[1] or "tests/data/queries.tsv"
  extra = args[2] or ""
  for line in io.lines(path) do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local q = line:match("^([^\t]+)")
      if q then table.insert(queries, urlencode(q)) end
    end
  end
  -- Threads start at different places so they do not ask the same query at the same time.
  counter = math.random(#queries)
end

function request()
  counter = counter % #queries + 1
  return wrk.format("GET", "/v1/search?q=" .. queries[counter] .. "&limit=10" .. extra)
end

function response(status, headers, body)
  if status ~= 200 then statuses[status] = (statuses[status] or 0) + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d, duration %.1f s, throughput %.1f req/s\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write(string.format("errors: connect %d, read %d, write %d, non-2xx %d, timeout %d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  for _, p in ipairs({50, 90, 95, 99, 99.9}) do
    io.write(string.format("latency p%s: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
