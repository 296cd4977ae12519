--[[
  addJobsIf(decide)

  The body of the conditional add scripts (addJobsUnlessPending, addJobsUnlessActive; they
  include insertByPriority, storeNewJob and addPlacement before this), which share their
  KEYS (1-7 as addJobs, 8 active, 9 completed, 10 failed) and ARGV (as addJobs; every
  custom id non-empty). Per job with an existing hash, decide(id, jobKey, a, paused) says
  what happens: 2 leave it (skipped), or 1 after taking the old job out of its lists and
  sets (replaced; its hash and log are then deleted; decide may rewrite ARGV[a + 2], the new
  data). Every job not skipped is stored and placed by storeNewJob, exactly as addJobs does,
  so the queue cannot tell the producers apart; FIFO jobs are pushed one by one, so a later
  job of the batch sees the earlier ones in the list. Returns N integers, 0 added,
  1 replaced, 2 skipped.
]]
local function addJobsIf(decide)
  local base = KEYS[7]
  local p = addPlacement()
  local function pushFifo(id) rcall("LPUSH", p.target, id) end
  local function flushFifo() end
  local outcomes = {}
  for i = 1, p.n do
    local a = 3 + (i - 1) * 7
    local id = ARGV[a]
    local jobKey = base .. id
    local outcome = 0
    if rcall("EXISTS", jobKey) == 1 then
      outcome = decide(id, jobKey, a, p.paused)
      if outcome == 1 then rcall("DEL", jobKey, jobKey .. ":logs") end
    end
    if outcome ~= 2 then
      storeNewJob(base, id, a, p.first + i, string.sub(p.lifoFlags, i, i) == "1", p.target,
        KEYS[5], KEYS[6], p.waitingChannel, pushFifo, flushFifo)
    end
    outcomes[i] = outcome
  end
  return outcomes
end
