--[[
  insertByPriority(priorityKey, listKey, jobId, priority)

  Bull 4 keeps prioritised jobs inside the wait (or paused) list itself: the list is consumed
  from its right end, and the 'priority' zset tells where a new prioritised job goes. The job
  is placed just left of the prioritised jobs with a smaller-or-equal priority number
  (counted with ZCOUNT, itself included), i.e. after them in processing order; when there is
  no such neighbour it goes to the right end. The position rule must be Bull's exactly, or
  Node and C++ producers sharing a queue would order jobs differently.
]]
local function insertByPriority(priorityKey, listKey, jobId, priority)
  rcall("ZADD", priorityKey, priority, jobId)
  local ahead = rcall("ZCOUNT", priorityKey, 0, priority)
  local len = rcall("LLEN", listKey)
  local pivot = rcall("LINDEX", listKey, len - (ahead - 1))
  if pivot then
    rcall("LINSERT", listKey, "BEFORE", pivot, jobId)
  else
    rcall("RPUSH", listKey, jobId)
  end
end

--[[
  placeJob(priorityKey, listKey, jobId, priority, push)

  Puts a job in line: a prioritised one by insertByPriority, any other with `push` at an end
  of the list ("RPUSH": taken next, since workers take from the right; "LPUSH": behind every
  job already waiting).
]]
local function placeJob(priorityKey, listKey, jobId, priority, push)
  if priority == 0 then
    rcall(push, listKey, jobId)
  else
    insertByPriority(priorityKey, listKey, jobId, priority)
  end
end

--[[
  waitingList(waitKey, pausedKey, metaPausedKey)

  The list a job waits in now: the paused list while the queue is paused, else wait.
]]
local function waitingList(waitKey, pausedKey, metaPausedKey)
  if rcall("EXISTS", metaPausedKey) == 1 then return pausedKey end
  return waitKey
end
