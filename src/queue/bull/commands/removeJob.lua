--[[
  removeJob: removes an unlocked job from every list and set and deletes its hash and logs
  (Bull 4's Job#remove). A locked job (being processed) is left alone.

  KEYS[1] active
  KEYS[2] wait
  KEYS[3] delayed
  KEYS[4] paused
  KEYS[5] completed
  KEYS[6] failed
  KEYS[7] priority
  KEYS[8] job key
  KEYS[9] job logs key
  KEYS[10] job lock key

  ARGV[1] job id

  Returns 1 removed, 0 locked or missing.
]]
local rcall = redis.call
local id = ARGV[1]
if rcall("EXISTS", KEYS[10]) == 1 or rcall("EXISTS", KEYS[8]) == 0 then return 0 end
rcall("LREM", KEYS[1], 0, id)
rcall("LREM", KEYS[2], 0, id)
rcall("ZREM", KEYS[3], id)
rcall("LREM", KEYS[4], 0, id)
rcall("ZREM", KEYS[5], id)
rcall("ZREM", KEYS[6], id)
rcall("ZREM", KEYS[7], id)
rcall("DEL", KEYS[8], KEYS[9])
return 1
