--[[
  empty: removes the jobs that have not started (Bull 4's Queue#empty, made atomic): the job
  hashes of wait and paused are deleted, then the wait, paused, meta-paused, delayed,
  priority and limiter keys. As in Bull, delayed job hashes stay (only their index goes) and
  the queue is no longer paused afterwards.

  KEYS[1] wait
  KEYS[2] paused
  KEYS[3] meta-paused
  KEYS[4] delayed
  KEYS[5] priority
  KEYS[6] limiter
  KEYS[7] limiter index ("<limiter>:index")
  KEYS[8] base ("<prefix>:<queue>:"; job keys derive from it)

  Returns the number of job hashes deleted.
]]
local rcall = redis.call
local removed = 0
for _, list in ipairs({KEYS[1], KEYS[2]}) do
  local ids = rcall("LRANGE", list, 0, -1)
  for _, id in ipairs(ids) do
    removed = removed + rcall("DEL", KEYS[8] .. id)
  end
end
rcall("DEL", KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
return removed
