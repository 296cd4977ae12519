--[[
  reprocessJob: moves a failed (or completed) job back to wait (Bull 4's Job#retry):
  finishedOn, processedOn and failedReason are cleared, retriedOn set, the job goes to wait
  (paused when paused) by LPUSH (RPUSH for lifo), and `waiting@token` is published.

  KEYS[1] job key
  KEYS[2] job lock key
  KEYS[3] the set the job must be in (failed or completed)
  KEYS[4] wait
  KEYS[5] meta-paused
  KEYS[6] paused

  ARGV[1] job id
  ARGV[2] "LPUSH" or "RPUSH"
  ARGV[3] token
  ARGV[4] timestamp (ms)

  Returns 1 ok, 0 no such job, -1 locked, -2 not in the expected set.
]]
local rcall = redis.call
if rcall("EXISTS", KEYS[1]) == 0 then return 0 end
if rcall("EXISTS", KEYS[2]) == 1 then return -1 end
if rcall("ZREM", KEYS[3], ARGV[1]) == 0 then return -2 end
rcall("HDEL", KEYS[1], "finishedOn", "processedOn", "failedReason")
rcall("HSET", KEYS[1], "retriedOn", ARGV[4])
local target = KEYS[4]
if rcall("EXISTS", KEYS[5]) == 1 then target = KEYS[6] end
if ARGV[2] == "RPUSH" then
  rcall("RPUSH", target, ARGV[1])
else
  rcall("LPUSH", target, ARGV[1])
end
rcall("PUBLISH", KEYS[4] .. "ing@" .. ARGV[3], ARGV[1])
return 1
