--[[
  updateProgress: stores a job's progress and publishes it (Bull 4's): the hash field
  `progress` gets the JSON text, the progress channel gets `{"jobId":..,"progress":..}`
  (global:progress in Node).

  KEYS[1] job key
  KEYS[2] progress channel ("<base>progress")

  ARGV[1] progress (JSON text)
  ARGV[2] event payload

  Returns 0, or -1 when the job does not exist.
]]
if redis.call("EXISTS", KEYS[1]) == 0 then return -1 end
redis.call("HSET", KEYS[1], "progress", ARGV[1])
redis.call("PUBLISH", KEYS[2], ARGV[2])
return 0
