--[[
  addJobsUnlessPending: the scheduler's batch enqueue. Every job has a custom id (the keyword
  id). Per job, atomically:
    - a job with that id that is waiting, paused, delayed or active: left alone (skipped);
    - one that is completed, failed or stuck (a hash in no list or set): its hash and log are
      deleted and the new job is stored in its place (replaced);
    - no such job: the new job is stored (added).
  New jobs are stored and placed exactly as addJobs does (storeNewJob), so the queue cannot
  tell the two producers apart.

  The pending test is O(1) for the usual states: finished jobs are in the completed/failed
  zsets, delayed ones in the delayed zset, prioritised waiting ones in the priority zset and
  active ones hold a lock key. Only a job in none of those (a FIFO job waiting or paused, or
  one claimed by BRPOPLPUSH a moment before its lock is written) is looked up with LPOS,
  which scans the list; the scheduler's own jobs are prioritised, so that path is rare.

  KEYS[1] wait
  KEYS[2] paused
  KEYS[3] meta-paused
  KEYS[4] id (counter)
  KEYS[5] delayed
  KEYS[6] priority
  KEYS[7] base ("<prefix>:<queue>:")
  KEYS[8] active
  KEYS[9] completed
  KEYS[10] failed

  ARGV: as addJobs (token, N, 7 values per job, lifo flags); every custom id is non-empty.

  Returns: N integers, 0 added, 1 replaced, 2 skipped.
]]
local rcall = redis.call
--- @include "insertByPriority"
--- @include "storeNewJob"

local base = KEYS[7]
local token = ARGV[1]
local n = tonumber(ARGV[2])
local lifoFlags = ARGV[3 + 7 * n]
local last = rcall("INCRBY", KEYS[4], n)
local paused = rcall("EXISTS", KEYS[3]) == 1
local target = paused and KEYS[2] or KEYS[1]
local waitingChannel = KEYS[1] .. "ing@" .. token
local function pushFifo(id) rcall("LPUSH", target, id) end
local function flushFifo() end

local function isFinished(id)
  return rcall("ZSCORE", KEYS[9], id) or rcall("ZSCORE", KEYS[10], id)
end

local function isPending(id, jobKey)
  if rcall("ZSCORE", KEYS[5], id) or rcall("ZSCORE", KEYS[6], id) then return true end
  if rcall("EXISTS", jobKey .. ":lock") == 1 then return true end
  return rcall("LPOS", KEYS[8], id) or rcall("LPOS", KEYS[1], id) or rcall("LPOS", KEYS[2], id)
end

local outcomes = {}
for i = 1, n do
  local a = 3 + (i - 1) * 7
  local id = ARGV[a]
  local jobKey = base .. id
  local outcome = 0
  if rcall("EXISTS", jobKey) == 1 then
    if not isFinished(id) and isPending(id, jobKey) then
      outcome = 2
    else
      outcome = 1
      rcall("ZREM", KEYS[9], id)
      rcall("ZREM", KEYS[10], id)
      rcall("ZREM", KEYS[6], id)
      rcall("DEL", jobKey, jobKey .. ":logs")
    end
  end
  if outcome ~= 2 then
    storeNewJob(base, id, a, last - n + i, string.sub(lifoFlags, i, i) == "1", target, KEYS[5],
      KEYS[6], waitingChannel, pushFifo, flushFifo)
  end
  outcomes[i] = outcome
end

return outcomes
