--[[
  trimFinished(setKey, base, keep)

  removeOnComplete / removeOnFail given as a count: keep the newest `keep` members of the
  completed (or failed) zset and delete the job hashes and logs of the rest. Newest means
  highest (score, member), the order ZREVRANGE uses, as in Bull. The hashes go in one DEL
  (in chunks, as unpack has a limit).
]]
local function trimFinished(setKey, base, keep)
  local old = rcall("ZREVRANGE", setKey, keep, -1)
  if #old > 0 then
    local doomed = {}
    for _, id in ipairs(old) do
      doomed[#doomed + 1] = base .. id
      doomed[#doomed + 1] = base .. id .. ":logs"
    end
    for from = 1, #doomed, 5000 do
      rcall("DEL", unpack(doomed, from, math.min(from + 4999, #doomed)))
    end
    rcall("ZREMRANGEBYRANK", setKey, 0, -(keep + 1))
  end
end
