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
local target = KEYS[2]
if rcall("EXISTS", KEYS[4]) == 1 then target = KEYS[3] end
local priority = tonumber(rcall("HGET", KEYS[6], "priority")) or 0
if priority == 0 then
  rcall("LPUSH", target, id)
else
  insertByPriority(KEYS[5], target, id, priority)
end
rcall("PUBLISH", KEYS[2] .. "ing@" .. ARGV[2], id)
rcall("HSET", KEYS[6], "delay", 0)
return 0
