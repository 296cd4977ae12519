--[[
  addLog: appends a line to a job's log list (Bull 4's Job#log), if the job exists.

  KEYS[1] job key
  KEYS[2] job logs key

  ARGV[1] log line

  Returns the number of lines, or -1 when the job does not exist.
]]
if redis.call("EXISTS", KEYS[1]) == 0 then return -1 end
return redis.call("RPUSH", KEYS[2], ARGV[1])
