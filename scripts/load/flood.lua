-- wrk script for scripts/load/flood.sh: every report endpoint of the API
-- and the site, with varying filters so that no cache absorbs the flood.
local paths = {
  "/api/v1/reports/adoptions/region", "/api/v1/reports/adoptions/departement",
  "/api/v1/reports/adoptions/year", "/api/v1/reports/shares", "/api/v1/reports/flows",
  "/rapports/adoptions/region", "/rapports/adoptions/departement", "/rapports/parts", "/rapports/flux",
}
local n = 0
request = function()
  n = n + 1
  local p = paths[(n % #paths) + 1]
  return wrk.format("GET", p .. "?from=" .. (2000 + n % 25) .. "&to=" .. (2026 + n % 7))
end
-- Each thread counts its statuses; done() adds them up, in one line that
-- flood.sh reads.
local threads = {}
setup = function(thread) table.insert(threads, thread) end
codes = {}
response = function(status)
  codes[status] = (codes[status] or 0) + 1
end
done = function(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for s, c in pairs(t:get("codes")) do all[s] = (all[s] or 0) + c end
  end
  io.write("statuses:")
  for s, c in pairs(all) do io.write(" ", s, "=", c) end
  io.write("\n")
end
