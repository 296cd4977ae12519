--[[
  pause: pauses or resumes the queue for every worker (Bull 4's global pause). Pausing
  renames wait to paused and sets meta-paused, so producers add to paused and workers find
  wait empty; resuming does the reverse. The 'meta' hash's `paused` field is kept in step as
  Bull does for BullMQ. The event is published on the paused or resumed channel.

  KEYS[1] source list (wait when pausing, paused when resuming)
  KEYS[2] destination list
  KEYS[3] meta-paused
  KEYS[4] event channel (paused or resumed)
  KEYS[5] meta

  ARGV[1] "paused" or "resumed"
]]
local rcall = redis.call
if rcall("EXISTS", KEYS[1]) == 1 then rcall("RENAME", KEYS[1], KEYS[2]) end
if ARGV[1] == "paused" then
  rcall("SET", KEYS[3], 1)
  rcall("HSET", KEYS[5], "paused", 1)
else
  rcall("DEL", KEYS[3])
  rcall("HDEL", KEYS[5], "paused")
end
rcall("PUBLISH", KEYS[4], ARGV[1])
return 0
