--[[
  moveActiveToWait: hands an active job back to the queue when its worker shuts down before
  the job could finish (scale-in, Spot interruption). Bull 4 has no such command — there the
  job waits in active until another worker's stalled check notices its expired lock, which
  also counts a stall against it. Here the job goes straight back to the head of the line
  (the right end of wait, where the next fetch looks; by priority for a prioritised job), its
  lock is released and attemptsMade is left as it was: the try is not counted.

  A job whose lock is held by another worker is left alone (-6); a missing lock is accepted,
  since the job may have been claimed by BRPOPLPUSH and not locked yet, or its lock may have
  expired (then the stalled check would move it the same way).

  KEYS[1] active
  KEYS[2] wait
  KEYS[3] paused
  KEYS[4] meta-paused
  KEYS[5] priority
  KEYS[6] stalled
  KEYS[7] job key
  KEYS[8] job lock key

  ARGV[1] job id
  ARGV[2] lock token

  Returns 0, or -1 (no such job), -3 (not active), -6 (locked by another worker).
]]
local rcall = redis.call
--- @include "insertByPriority"

local id = ARGV[1]
if rcall("EXISTS", KEYS[7]) == 0 then return -1 end
local owner = rcall("GET", KEYS[8])
if owner and owner ~= ARGV[2] then return -6 end
if rcall("LREM", KEYS[1], -1, id) < 1 then return -3 end
rcall("DEL", KEYS[8])
rcall("SREM", KEYS[6], id)
local priority = tonumber(rcall("HGET", KEYS[7], "priority")) or 0
placeJob(KEYS[5], waitingList(KEYS[2], KEYS[3], KEYS[4]), id, priority, "RPUSH")
return 0
