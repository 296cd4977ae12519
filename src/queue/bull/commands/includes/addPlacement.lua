--[[
  addPlacement()

  What every add script (addJobs and the conditional ones) works out once per call, from
  their shared KEYS 1-7 and ARGV layout: N, the lifo flags, `first` (the id counter before
  the first job: it is advanced by N, custom ids consume a value too), whether the queue is
  paused, `target` (the list new jobs go to: wait, or paused when the queue is paused) and
  the channel `waiting@token` published for each.
]]
local function addPlacement()
  local n = tonumber(ARGV[2])
  local first = rcall("INCRBY", KEYS[4], n) - n
  local paused = rcall("EXISTS", KEYS[3]) == 1
  return {n = n, lifoFlags = ARGV[3 + 7 * n], first = first, paused = paused,
    target = paused and KEYS[2] or KEYS[1], waitingChannel = KEYS[1] .. "ing@" .. ARGV[1]}
end
