--[[
  storeNewJob(base, id, a, counter, lifo, target, delayedKey, priorityKey, waitingChannel,
              pushFifo, flushFifo)

  Writes a new job's hash and places it, as Bull 4's addJob does. `a` is the index in ARGV of
  the job's 7 values (custom id, name, data, opts JSON, timestamp, delay, priority), the layout
  every add script shares. A delayed job goes to the delayed zset (score = due * 0x1000 +
  counter % 4096) and its due time is published on the delayed channel, so Node workers
  re-arm their timers; any other job goes to `target` (wait, or paused when the queue is
  paused) by priority, RPUSH (lifo) or pushFifo(id), and `waiting@token` is published.
  pushFifo/flushFifo let a caller batch plain FIFO pushes into one LPUSH; flushFifo runs
  before anything that must see the earlier jobs in the list.
]]
local function storeNewJob(base, id, a, counter, lifo, target, delayedKey, priorityKey,
                           waitingChannel, pushFifo, flushFifo)
  local timestamp = tonumber(ARGV[a + 4])
  local delay = tonumber(ARGV[a + 5])
  local priority = tonumber(ARGV[a + 6])
  rcall("HSET", base .. id, "name", ARGV[a + 1], "data", ARGV[a + 2], "opts", ARGV[a + 3],
    "timestamp", ARGV[a + 4], "delay", ARGV[a + 5], "priority", ARGV[a + 6])
  if delay > 0 then
    local due = timestamp + delay
    rcall("ZADD", delayedKey, due * 0x1000 + bit.band(counter, 0xfff), id)
    rcall("PUBLISH", delayedKey, due)
    return
  end
  if priority == 0 and not lifo then
    pushFifo(id)
  else
    flushFifo()
    placeJob(priorityKey, target, id, priority, "RPUSH")
  end
  rcall("PUBLISH", waitingChannel, id)
end
