--[[
  moveToFailed: records a failed try of an active job owned by this worker, and where the
  job goes next. Bull 4 does the same in one MULTI: saveStacktrace, then moveToDelayed
  (backoff), retryJob (no backoff) or moveToFinished(failed). The decision (attempts left,
  backoff delay) is made by the caller from the job's options, as Bull does in JavaScript.

  Checks, per Bull: the job must exist (-1), its lock must hold our token (-2 missing, -6
  another owner) and it must be in active (-3). Then stacktrace, failedReason and
  attemptsMade are stored, the lock is released and the id leaves the stalled set, and:
    "failed":  finishedOn is set; keep = 0 deletes the job, otherwise it goes to the failed
               zset (score = now), trimmed to `keep` newest when keep > 0; the failed event
               payload is published on the failed channel (global:failed in Node).
    "delayed": the job goes to the delayed zset with the given score and its due time is
               published on the delayed channel.
    "retry":   the job goes back to wait (paused when paused): LPUSH, RPUSH for lifo, or by
               priority.

  KEYS[1] active
  KEYS[2] failed
  KEYS[3] delayed
  KEYS[4] wait
  KEYS[5] paused
  KEYS[6] meta-paused
  KEYS[7] priority
  KEYS[8] stalled
  KEYS[9] job key
  KEYS[10] job lock key

  ARGV[1] job id
  ARGV[2] lock token
  ARGV[3] timestamp (ms)
  ARGV[4] failedReason
  ARGV[5] stacktrace (JSON array text)
  ARGV[6] attemptsMade
  ARGV[7] action: "failed" | "delayed" | "retry"
  ARGV[8] failed: keep count (-1 all, 0 none, n newest); delayed: score; retry: "1" lifo
  ARGV[9] failed: event payload

  Returns 0, or -1 / -2 / -3 / -6.
]]
local rcall = redis.call
--- @include "insertByPriority"
--- @include "trimFinished"

local id = ARGV[1]
local jobKey = KEYS[9]
if rcall("EXISTS", jobKey) == 0 then return -1 end
local owner = rcall("GET", KEYS[10])
if owner ~= ARGV[2] then
  if owner then return -6 end
  return -2
end
if rcall("LREM", KEYS[1], -1, id) < 1 then return -3 end
rcall("DEL", KEYS[10])
rcall("SREM", KEYS[8], id)
rcall("HSET", jobKey, "stacktrace", ARGV[5], "failedReason", ARGV[4], "attemptsMade", ARGV[6])

local action = ARGV[7]
if action == "failed" then
  local keep = tonumber(ARGV[8])
  if keep ~= 0 then
    rcall("ZADD", KEYS[2], ARGV[3], id)
    rcall("HSET", jobKey, "finishedOn", ARGV[3])
    if keep > 0 then
      -- The base is the job key minus the id: job keys are base .. id.
      trimFinished(KEYS[2], string.sub(jobKey, 1, #jobKey - #id), keep)
    end
  else
    rcall("DEL", jobKey, jobKey .. ":logs")
  end
  rcall("PUBLISH", KEYS[2], ARGV[9])
elseif action == "delayed" then
  local score = tonumber(ARGV[8])
  rcall("ZADD", KEYS[3], score, id)
  rcall("PUBLISH", KEYS[3], math.floor(score / 0x1000))
else
  local priority = tonumber(rcall("HGET", jobKey, "priority")) or 0
  placeJob(KEYS[7], waitingList(KEYS[4], KEYS[5], KEYS[6]), id, priority,
    ARGV[8] == "1" and "RPUSH" or "LPUSH")
end
return 0
