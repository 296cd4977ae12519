--[[
  cleanJobsInSet: removes the jobs of one state that are older than a grace period (Bull 4's
  Queue#clean). A job's age is taken from finishedOn, else processedOn, else timestamp; a
  locked job is never removed. With a limit, at most that many go: zsets take the oldest by
  score, lists are scanned from the right end (oldest first).

  KEYS[1] the list or zset of the state (wait, active, paused, delayed, completed, failed)
  KEYS[2] priority
  KEYS[3] base ("<prefix>:<queue>:"; job keys derive from it)

  ARGV[1] max timestamp (ms): jobs older than this go
  ARGV[2] limit (0: no limit)
  ARGV[3] "list" or "zset"

  Returns the ids removed.
]]
local rcall = redis.call
local setKey = KEYS[1]
local base = KEYS[3]
local maxTs = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local isList = ARGV[3] == "list"

local ids
if isList then
  ids = rcall("LRANGE", setKey, 0, -1)
elseif limit > 0 then
  ids = rcall("ZRANGEBYSCORE", setKey, 0, maxTs, "LIMIT", 0, limit)
else
  ids = rcall("ZRANGE", setKey, 0, -1)
end

local removed = {}
local first, last, step = 1, #ids, 1
if isList then first, last, step = #ids, 1, -1 end
for i = first, last, step do
  if limit > 0 and #removed >= limit then break end
  local id = ids[i]
  local jobKey = base .. id
  if rcall("EXISTS", jobKey .. ":lock") == 0 then
    local ts
    for _, v in ipairs(rcall("HMGET", jobKey, "finishedOn", "processedOn", "timestamp")) do
      if v then
        ts = tonumber(v)
        break
      end
    end
    if not ts or ts < maxTs then
      if isList then
        -- Ids are never empty: "" marks the entry, one LREM drops all marks at the end.
        rcall("LSET", setKey, i - 1, "")
      else
        rcall("ZREM", setKey, id)
      end
      rcall("ZREM", KEYS[2], id)
      rcall("DEL", jobKey, jobKey .. ":logs")
      removed[#removed + 1] = id
    end
  end
end
if isList and #removed > 0 then rcall("LREM", setKey, 0, "") end
return removed
