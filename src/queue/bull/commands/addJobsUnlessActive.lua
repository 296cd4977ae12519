--[[
  addJobsUnlessActive: "check now", a batch of jobs that take their ids' places unless those
  are being processed. Every job has a custom id. Per job, atomically:
    - a job with that id that is active (holds a lock, or is in the active list because a
      worker moved it there a moment before locking it): left alone (skipped);
    - a job with that id in any other state (waiting, paused, delayed, completed, failed, or
      stuck: a hash in no list or set): taken out of its list or set, its hash and log
      deleted, and the new job stored in its place (replaced);
    - no such job: the new job is stored (added).
  When the replaced job had not finished (it was in neither the completed nor the failed
  zset), the new job's data takes each inherited field that the old data has, not null, and
  the new data lacks: what a pending job carried is not lost by replacing it. The value is
  appended to the new data's text (the rest of the text is kept byte for byte); an integer
  is written as one (exact up to 2^53), anything else as cjson encodes it. Data that is not
  a JSON object on either side inherits nothing.
  New jobs are stored and placed exactly as addJobs does (storeNewJob, through addJobsIf).

  Cost: the active test is O(1) with the lock and otherwise an LPOS of the active list (one
  entry per busy worker slot). Taking a waiting or paused job out is an LREM, which scans
  its list up to the job, as Bull's own remove does.

  KEYS[1] to KEYS[10], as addJobsUnlessPending: wait, paused, meta-paused, id (counter),
  delayed, priority, base ("<prefix>:<queue>:"), active, completed, failed.

  ARGV: as addJobs (token, N, 7 values per job, lifo flags); every custom id is non-empty;
  then ARGV[4 + 7*N] the number M of inherited fields, and ARGV[5 + 7*N ...] their M names.

  Returns: N integers, 0 added, 1 replaced, 2 skipped.
]]
local rcall = redis.call
--- @include "insertByPriority"
--- @include "storeNewJob"
--- @include "addPlacement"
--- @include "addJobsIf"

local n = tonumber(ARGV[2])
local inherited = {}
for j = 1, tonumber(ARGV[4 + 7 * n]) do inherited[j] = ARGV[4 + 7 * n + j] end

local function isActive(id, jobKey)
  return rcall("EXISTS", jobKey .. ":lock") == 1 or rcall("LPOS", KEYS[8], id)
end

local function encodeValue(v)
  if type(v) == "number" and v == math.floor(v) and math.abs(v) <= 2 ^ 53 then
    return string.format("%d", v)
  end
  return cjson.encode(v)
end

-- The new data text with the old data's inherited fields that it lacks.
local function inheritFields(oldText, newText)
  if #inherited == 0 or not oldText then return newText end
  local head = string.match(newText, "^%s*({.*)}%s*$")
  if not head then return newText end
  local okOld, old = pcall(cjson.decode, oldText)
  local okNew, new = pcall(cjson.decode, newText)
  if not (okOld and okNew and type(old) == "table" and type(new) == "table") then
    return newText
  end
  local fields = {}
  for _, name in ipairs(inherited) do
    local v = old[name]
    if v ~= nil and v ~= cjson.null and new[name] == nil then
      fields[#fields + 1] = cjson.encode(name) .. ":" .. encodeValue(v)
    end
  end
  if #fields == 0 then return newText end
  local separator = next(new) == nil and "" or ","
  return head .. separator .. table.concat(fields, ",") .. "}"
end

-- Takes the job out of wherever it is; returns whether it had finished.
local function takeOut(id, paused)
  local finished = false
  if rcall("ZREM", KEYS[9], id) == 1 then finished = true end
  if rcall("ZREM", KEYS[10], id) == 1 then finished = true end
  if not finished and rcall("ZREM", KEYS[5], id) == 0 then
    local first, second = KEYS[1], KEYS[2]
    if paused then first, second = KEYS[2], KEYS[1] end
    if rcall("LREM", first, 1, id) == 0 then rcall("LREM", second, 1, id) end
  end
  rcall("ZREM", KEYS[6], id)
  return finished
end

return addJobsIf(function(id, jobKey, a, paused)
  if isActive(id, jobKey) then return 2 end
  local oldData = rcall("HGET", jobKey, "data")
  if not takeOut(id, paused) then ARGV[a + 2] = inheritFields(oldData, ARGV[a + 2]) end
  return 1
end)
