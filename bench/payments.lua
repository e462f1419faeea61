-- wrk script for bench/writes.sh: POSTs a 1-öre payment to one issued invoice.
--
--   TOKEN=… INVOICE=42 [IDEM=1] [RUN_ID=…] wrk -s bench/payments.lua http://127.0.0.1:PORT
--
-- TOKEN    treasurer bearer token
-- INVOICE  id of an issued invoice
-- IDEM=1   send a unique Idempotency-Key on every request (RUN_ID-thread-counter)
--
-- Counts the responses by status in every thread and prints them in `done` as
-- `status <code> <count>` lines (one per status, all threads summed).

local threads = {}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  counter = 0
  path = "/api/v1/invoices/" .. assert(os.getenv("INVOICE"), "INVOICE not set") .. "/payments"
  body = '{"amount_ore":1,"paid_on":"2021-03-01"}'
  headers = {
    ["Authorization"] = "Bearer " .. assert(os.getenv("TOKEN"), "TOKEN not set"),
    ["Content-Type"] = "application/json",
  }
  idem = os.getenv("IDEM") == "1"
  key_prefix = (os.getenv("RUN_ID") or tostring(os.time())) .. "-" .. tostring(tid) .. "-"
  if not idem then
    -- The same request every time: format it once.
    fixed = wrk.format("POST", path, headers, body)
  end
end

function request()
  if not idem then
    return fixed
  end
  counter = counter + 1
  headers["Idempotency-Key"] = key_prefix .. counter
  return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, resp_body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do
      total[code] = (total[code] or 0) + n
    end
  end
  local codes = {}
  for code in pairs(total) do
    table.insert(codes, code)
  end
  table.sort(codes)
  for _, code in ipairs(codes) do
    io.write(string.format("status %d %d\n", code, total[code]))
  end
end
