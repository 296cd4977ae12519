--[[
  promote: moves one delayed job to wait now (Bull 4's Job#promote): LPUSH or by priority to
  wait (paused when paused), `delay` becomes 0, `waiting@token` is published.

  KEYS[1] delayed
  KEYS[2] wait
  KEYS[3] paused
  KEYS[4] meta-paused
  KEYS[5] priority
  KEYS[6] job key

  ARGV[1] job id
  ARGV[2] token

  Returns 0, or -1 when the job is not in the delayed set.
]]
local rcall = redis.call
--- @include "insertByPriority"

local id = ARGV[1]
if rcall("ZREM", KEYS[1], id) == 0 then return -1 end
local priority = tonumber(rcall("HGET", KEYS[6], "priority")) or 0
placeJob(KEYS[5], waitingList(KEYS[2], KEYS[3], KEYS[4]), id, priority, "LPUSH")
rcall("PUBLISH", KEYS[2] .. "ing@" .. ARGV[2], id)
rcall("HSET", KEYS[6], "delay", 0)
return 0
