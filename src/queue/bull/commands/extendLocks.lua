--[[
  extendLocks: renews the locks of the jobs this worker is processing (Bull 4's extendLock,
  for all of them in one call). A lock still holding our token gets a new expiry and its job
  leaves the stalled set, so the next stalled check does not take it; a lock that expired or
  belongs to someone else is left alone and reported.

  KEYS[1] stalled
  KEYS[2] base ("<prefix>:<queue>:"; lock keys are base .. id .. ":lock")

  ARGV[1] lock token
  ARGV[2] lock duration (ms)
  ARGV[3..] job ids

  Returns one integer per job id: 1 renewed, 0 lost.
]]
local rcall = redis.call
local result = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local lockKey = KEYS[2] .. id .. ":lock"
  if rcall("GET", lockKey) == ARGV[1] then
    rcall("SET", lockKey, ARGV[1], "PX", ARGV[2])
    rcall("SREM", KEYS[1], id)
    result[#result + 1] = 1
  else
    result[#result + 1] = 0
  end
end
return result
