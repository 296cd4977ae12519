--[[
  trimFinished(setKey, base, keep)

  removeOnComplete / removeOnFail given as a count: keep the newest `keep` members of the
  completed (or failed) zset and delete the job hashes and logs of the rest. Newest means
  highest (score, member), the order ZREVRANGE uses, as in Bull.
]]
local function trimFinished(setKey, base, keep)
  local old = rcall("ZREVRANGE", setKey, keep, -1)
  if #old > 0 then
    for _, id in ipairs(old) do
      rcall("DEL", base .. id, base .. id .. ":logs")
    end
    rcall("ZREMRANGEBYRANK", setKey, 0, -(keep + 1))
  end
end
