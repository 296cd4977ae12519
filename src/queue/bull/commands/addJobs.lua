--[[
  addJobs: adds one or more jobs in one call (Queue#add and #addBulk).

  Per job, as Bull 4 stores it: the id counter is advanced (custom ids consume a value too);
  a custom id that exists already adds nothing and publishes `duplicated@token`; otherwise the
  job is stored and placed by storeNewJob (hash, then delayed zset or wait/paused list).

  KEYS[1] wait
  KEYS[2] paused
  KEYS[3] meta-paused
  KEYS[4] id (counter)
  KEYS[5] delayed
  KEYS[6] priority
  KEYS[7] base ("<prefix>:<queue>:"; job keys are base .. id and share its hash tag)

  ARGV[1] token (names this producer in event channels)
  ARGV[2] number of jobs N
  then 7 values per job:
    custom id ("" for none), name, data, opts JSON, timestamp, delay (ms), priority
  ARGV[3 + 7*N] "1" for lifo per job, as a string of N characters "0"/"1"

  Returns: the N job ids (existing id for a duplicate).
]]
local rcall = redis.call
--- @include "insertByPriority"
--- @include "storeNewJob"
--- @include "addPlacement"

local base = KEYS[7]
local p = addPlacement()
local ids = {}
-- Plain FIFO adds are gathered and pushed by one LPUSH (same list order as one LPUSH per
-- job), flushed before anything that must see them in the list (lifo, priority).
local pending = {}
local function flushPending()
  if #pending > 0 then
    rcall("LPUSH", p.target, unpack(pending))
    pending = {}
  end
end
local function pushPending(id)
  pending[#pending + 1] = id
  if #pending >= 1000 then flushPending() end
end

for i = 1, p.n do
  local a = 3 + (i - 1) * 7
  local counter = p.first + i
  local id = ARGV[a]
  if id == "" then id = tostring(counter) end
  if ARGV[a] ~= "" and rcall("EXISTS", base .. id) == 1 then
    rcall("PUBLISH", base .. "duplicated@" .. ARGV[1], id)
  else
    storeNewJob(base, id, a, counter, string.sub(p.lifoFlags, i, i) == "1", p.target, KEYS[5],
      KEYS[6], p.waitingChannel, pushPending, flushPending)
  end
  ids[i] = id
end
flushPending()

return ids
