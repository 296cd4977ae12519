--[[
  addJobsUnlessPending: the scheduler's batch enqueue. Every job has a custom id (the keyword
  id). Per job, atomically:
    - a job with that id that is waiting, paused, delayed or active: left alone (skipped);
    - one that is completed, failed or stuck (a hash in no list or set): its hash and log are
      deleted and the new job is stored in its place (replaced);
    - no such job: the new job is stored (added).
  New jobs are stored and placed exactly as addJobs does (storeNewJob, through addJobsIf).

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
--- @include "addPlacement"
--- @include "addJobsIf"

local function isFinished(id)
  return rcall("ZSCORE", KEYS[9], id) or rcall("ZSCORE", KEYS[10], id)
end

local function isPending(id, jobKey)
  if rcall("ZSCORE", KEYS[5], id) or rcall("ZSCORE", KEYS[6], id) then return true end
  if rcall("EXISTS", jobKey .. ":lock") == 1 then return true end
  return rcall("LPOS", KEYS[8], id) or rcall("LPOS", KEYS[1], id) or rcall("LPOS", KEYS[2], id)
end

return addJobsIf(function(id, jobKey)
  if not isFinished(id) and isPending(id, jobKey) then return 2 end
  rcall("ZREM", KEYS[9], id)
  rcall("ZREM", KEYS[10], id)
  rcall("ZREM", KEYS[6], id)
  return 1
end)
