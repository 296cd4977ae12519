--[[
  completeAndFetch: records finished (completed) jobs of this worker and takes the next
  waiting jobs, in one call. Bull 4's moveToFinished does "finish one, fetch one"; this does
  "finish K, fetch M", which is what lets one worker process at concurrency N pay one script
  call per batch instead of two per job. Each finished job is handled exactly as Bull does
  it, in order; only the per-call work (reading meta keys, trimming) is shared.

  Completion of a job, per Bull: its lock must hold our token (-2 missing, -6 another owner;
  a job removed while locked is only possible by a forced obliterate, which takes the lock
  too) and it must be in active (-3). The lock is deleted and the id
  leaves the stalled set; with keep = 0 the job hash and logs are deleted, otherwise the job
  goes to the completed zset (score = finish time) with returnvalue and finishedOn, and the
  zset is trimmed to `keep` newest when keep > 0. `{"jobId":..,"val":..}` is published on the
  completed channel (global:completed in Node).

  Fetching, per Bull's moveToActive: jobs leave the right end of wait for the left end of
  active (the order RPOPLPUSH would give), each gets a lock (SET token PX duration), leaves
  the priority zset, gets processedOn, and is published on `active@token`. A job id whose
  hash is gone (removed while waiting) is dropped from active instead of returned.

  KEYS[1] active
  KEYS[2] completed
  KEYS[3] wait
  KEYS[4] priority
  KEYS[5] stalled
  KEYS[6] base ("<prefix>:<queue>:"; job, lock and log keys derive from it, same hash tag)
  KEYS[7] active event channel ("<base>active@<token>")
  KEYS[8] drained channel

  ARGV[1] lock token
  ARGV[2] lock duration (ms)
  ARGV[3] timestamp (ms)
  ARGV[4] most jobs to fetch (M >= 0)
  ARGV[5] a job id already moved to active by BRPOPLPUSH, to lock first ("" for none)
  ARGV[6] "1": publish on the drained channel when nothing could be fetched
  ARGV[7] number of completions K
  then 4 values per completion: job id, return value (JSON text), keep count (-1 all,
  0 none, n newest), completed event payload

  Cost: Redis charges most for each redis.call (argument conversion, reply conversion), so
  every per-call step that takes several keys or members is done once for the batch (MGET of
  the locks, one DEL, one SREM, one ZADD per run of equal keep counts, one trim per run, one
  ZREM), leaving per job only what names one job: LREM, HSET, PUBLISH when finishing, and
  HGETALL, SET (lock), HSET, PUBLISH when fetching. One job is fetched with RPOPLPUSH, more
  with LRANGE + LTRIM + one LPUSH.

  Returns { {code per completion: 0 ok or -2/-3/-6}, {id, fields, id, fields, ...} }
  where fields is the job hash as HGETALL returns it.
]]
local rcall = redis.call
--- @include "trimFinished"

local base = KEYS[6]
local token = ARGV[1]
local now = ARGV[3]
local k = tonumber(ARGV[7])
local codes = {}

if k > 0 then
  local lockKeys = {}
  for i = 1, k do lockKeys[i] = base .. ARGV[8 + (i - 1) * 4] .. ":lock" end
  local owners = rcall("MGET", unpack(lockKeys))
  local released, releasedIds = {}, {}
  local done = {}
  for i = 1, k do
    local id = ARGV[8 + (i - 1) * 4]
    if owners[i] ~= token then
      if owners[i] then codes[i] = -6 else codes[i] = -2 end
    else
      released[#released + 1] = lockKeys[i]
      releasedIds[#releasedIds + 1] = id
      if rcall("LREM", KEYS[1], -1, id) < 1 then
        codes[i] = -3
      else
        codes[i] = 0
        done[#done + 1] = i
      end
    end
  end
  if #released > 0 then
    rcall("DEL", unpack(released))
    rcall("SREM", KEYS[5], unpack(releasedIds))
  end

  -- A trim to N after each add equals one trim to N after a run of adds with the same N
  -- (the newest N of a total order), so a run of equal keep counts shares one ZADD and one
  -- trim. Jobs deleted at once (keep 0) never enter the zset and do not break a run.
  local runKeep, runArgs = nil, {}
  local function flushRun()
    if #runArgs > 0 then
      rcall("ZADD", KEYS[2], unpack(runArgs))
      if runKeep > 0 then trimFinished(KEYS[2], base, runKeep) end
    end
    runKeep, runArgs = nil, {}
  end
  for _, i in ipairs(done) do
    local a = 8 + (i - 1) * 4
    local id = ARGV[a]
    local keep = tonumber(ARGV[a + 2])
    local jobKey = base .. id
    if keep ~= 0 then
      if runKeep and runKeep ~= keep then flushRun() end
      runKeep = keep
      runArgs[#runArgs + 1] = now
      runArgs[#runArgs + 1] = id
      rcall("HSET", jobKey, "returnvalue", ARGV[a + 1], "finishedOn", now)
    else
      rcall("DEL", jobKey, jobKey .. ":logs")
    end
    rcall("PUBLISH", KEYS[2], ARGV[a + 3])
  end
  flushRun()
end

local fetched = {}
local ids = {}
local claimed = ARGV[5]
if claimed ~= "" then
  rcall("SREM", KEYS[5], claimed)
  ids[1] = claimed
end

local want = tonumber(ARGV[4]) - #ids
if want == 1 then
  local id = rcall("RPOPLPUSH", KEYS[3], KEYS[1])
  if id then ids[#ids + 1] = id end
elseif want > 1 then
  local taken = rcall("LRANGE", KEYS[3], -want, -1)
  local n = #taken
  if n > 0 then
    rcall("LTRIM", KEYS[3], 0, -(n + 1))
    -- taken[n] is the right end: the first RPOPLPUSH would have moved it.
    local pushOrder = {}
    for i = n, 1, -1 do
      pushOrder[#pushOrder + 1] = taken[i]
      ids[#ids + 1] = taken[i]
    end
    rcall("LPUSH", KEYS[1], unpack(pushOrder))
  end
end

if #ids > 0 then
  local prioritised = {}
  for _, id in ipairs(ids) do
    local jobKey = base .. id
    local fields = rcall("HGETALL", jobKey)
    if #fields == 0 then
      rcall("LREM", KEYS[1], -1, id)
    else
      rcall("SET", jobKey .. ":lock", token, "PX", ARGV[2])
      rcall("HSET", jobKey, "processedOn", now)
      rcall("PUBLISH", KEYS[7], id)
      fetched[#fetched + 1] = id
      fetched[#fetched + 1] = fields
      for f = 1, #fields, 2 do
        if fields[f] == "priority" then
          if fields[f + 1] ~= "0" then prioritised[#prioritised + 1] = id end
          break
        end
      end
    end
  end
  -- Only prioritised jobs are in the priority zset; Bull's ZREM of the others is a no-op.
  if #prioritised > 0 then rcall("ZREM", KEYS[4], unpack(prioritised)) end
elseif ARGV[6] == "1" and tonumber(ARGV[4]) > 0 then
  rcall("PUBLISH", KEYS[8], "")
end

return {codes, fetched}
