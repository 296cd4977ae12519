--[[
  obliterate: deletes a paused queue and all its jobs (Bull 4's Queue#obliterate), at most
  `count` jobs per call so that a large queue does not block Redis for long; the caller
  repeats until it returns 0. Active jobs make it fail unless forced (their locks go too).
  When no job is left, the queue's own keys are deleted.

  KEYS[1] meta-paused
  KEYS[2] base ("<prefix>:<queue>:"; job keys derive from it)
  KEYS[3] active
  KEYS[4] wait
  KEYS[5] paused
  KEYS[6] delayed
  KEYS[7] completed
  KEYS[8] failed
  KEYS[9..] the queue's other keys, deleted at the end (priority, stalled, id, meta, ...)

  ARGV[1] count
  ARGV[2] "force" or ""

  Returns 0 done, 1 more to do, -1 not paused, -2 active jobs and not forced.
]]
local rcall = redis.call
local budget = tonumber(ARGV[1])
local base = KEYS[2]

if rcall("EXISTS", KEYS[1]) == 0 then return -1 end
if ARGV[2] ~= "force" and rcall("LLEN", KEYS[3]) > 0 then return -2 end

local function dropJobs(ids)
  for _, id in ipairs(ids) do
    rcall("DEL", base .. id, base .. id .. ":logs", base .. id .. ":lock")
  end
  budget = budget - #ids
end

for i = 3, 5 do
  if budget <= 0 then return 1 end
  local ids = rcall("LRANGE", KEYS[i], 0, budget - 1)
  dropJobs(ids)
  rcall("LTRIM", KEYS[i], #ids, -1)
end
for i = 6, 8 do
  if budget <= 0 then return 1 end
  local ids = rcall("ZRANGE", KEYS[i], 0, budget - 1)
  dropJobs(ids)
  if #ids > 0 then rcall("ZREM", KEYS[i], unpack(ids)) end
end
if budget <= 0 then return 1 end
for i = 9, #KEYS do rcall("DEL", KEYS[i]) end
rcall("DEL", KEYS[1])
return 0
