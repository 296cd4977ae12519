--[[
  promoteDelayed: moves delayed jobs that are due to wait (Bull 4's updateDelaySet), at most
  1000 per call, and tells when the next one is due. Each job goes to wait (paused when
  paused) by LPUSH or by priority, its `delay` field becomes 0, and `waiting@token` is
  published.

  KEYS[1] delayed
  KEYS[2] wait
  KEYS[3] priority
  KEYS[4] paused
  KEYS[5] meta-paused
  KEYS[6] base ("<prefix>:<queue>:"; job keys derive from it)

  ARGV[1] now (ms)
  ARGV[2] token

  Returns the due time (ms) of the next delayed job, or false when none is left.
]]
local rcall = redis.call
--- @include "insertByPriority"

local due = rcall("ZRANGEBYSCORE", KEYS[1], 0, (tonumber(ARGV[1]) + 1) * 0x1000 - 1,
  "LIMIT", 0, 1000)
if #due > 0 then
  rcall("ZREM", KEYS[1], unpack(due))
  local target = waitingList(KEYS[2], KEYS[4], KEYS[5])
  local channel = KEYS[2] .. "ing@" .. ARGV[2]
  for _, id in ipairs(due) do
    local jobKey = KEYS[6] .. id
    local priority = tonumber(rcall("HGET", jobKey, "priority")) or 0
    placeJob(KEYS[3], target, id, priority, "LPUSH")
    rcall("PUBLISH", channel, id)
    rcall("HSET", jobKey, "delay", 0)
  end
end

local nextScore = rcall("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")[2]
if nextScore then return math.floor(tonumber(nextScore) / 0x1000) end
return false
