--[[
  moveStalledJobsToWait: the stalled-job check (Bull 4's), run by every worker every
  stalledInterval; the 'stalled-check' key (SET PX interval) makes one run per interval count
  for the whole fleet.

  Two phases. First, ids marked by the previous run (the 'stalled' set) whose lock is gone
  are jobs whose worker died or hung: each is removed from active and its stalledCounter
  incremented; over the limit it fails with "job stalled more than allowable limit" (and
  removeOnFail from its opts applies), otherwise it goes back to the right end of wait (or
  paused) and `stalled@` is published. Then every id now in active is marked; a live worker
  renewing its lock unmarks its own (extendLocks), so the next run only sees the dead ones.

  KEYS[1] stalled
  KEYS[2] wait
  KEYS[3] active
  KEYS[4] failed
  KEYS[5] stalled-check
  KEYS[6] meta-paused
  KEYS[7] paused
  KEYS[8] base ("<prefix>:<queue>:"; job keys derive from it)

  ARGV[1] max stalled count
  ARGV[2] timestamp (ms)
  ARGV[3] check interval (ms)

  Returns { failed ids, ids moved back to wait }.
]]
local rcall = redis.call
--- @include "trimFinished"

if rcall("EXISTS", KEYS[5]) == 1 then return {{}, {}} end
rcall("SET", KEYS[5], ARGV[2], "PX", ARGV[3])

local base = KEYS[8]
local maxStalled = tonumber(ARGV[1])
local failed, requeued = {}, {}
local marked = rcall("SMEMBERS", KEYS[1])
if #marked > 0 then
  rcall("DEL", KEYS[1])
  for _, id in ipairs(marked) do
    local jobKey = base .. id
    if rcall("EXISTS", jobKey .. ":lock") == 0 and rcall("LREM", KEYS[3], 1, id) > 0 then
      if rcall("HINCRBY", jobKey, "stalledCounter", 1) > maxStalled then
        rcall("ZADD", KEYS[4], ARGV[2], id)
        rcall("HSET", jobKey, "failedReason", "job stalled more than allowable limit",
          "finishedOn", ARGV[2])
        rcall("PUBLISH", KEYS[4],
          '{"jobId":"' .. id .. '", "val": "job stalled more than maxStalledCount"}')
        local okOpts, opts = pcall(cjson.decode, rcall("HGET", jobKey, "opts") or "{}")
        local rule = okOpts and type(opts) == "table" and opts["removeOnFail"] or nil
        if type(rule) == "table" then rule = rule["count"] end
        if type(rule) == "number" and rule > 0 then
          trimFinished(KEYS[4], base, rule)
        elseif rule == true or rule == 0 then
          rcall("DEL", jobKey, jobKey .. ":logs")
          rcall("ZREM", KEYS[4], id)
        end
        failed[#failed + 1] = id
      else
        local target = KEYS[2]
        if rcall("EXISTS", KEYS[6]) == 1 then target = KEYS[7] end
        rcall("RPUSH", target, id)
        rcall("PUBLISH", KEYS[1] .. "@", id)
        requeued[#requeued + 1] = id
      end
    end
  end
end

local active = rcall("LRANGE", KEYS[3], 0, -1)
for from = 1, #active, 5000 do
  rcall("SADD", KEYS[1], unpack(active, from, math.min(from + 4999, #active)))
end
return {failed, requeued}
