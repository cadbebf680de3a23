-- trim_dead: applies the dead-letter list's caps: keeps the newest ARGV[1] records (LPUSH puts the
-- newest first) and drops, from the oldest end, records whose dead_at is before ARGV[2].
-- KEYS[1]  dead-letter list
-- ARGV[1]  how many records to keep at most
-- ARGV[2]  the oldest dead_at (epoch seconds) to keep
-- Returns how many records were dropped.
local before = redis.call('LLEN', KEYS[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local oldest = tonumber(ARGV[2])
while true do
  local last = redis.call('LINDEX', KEYS[1], -1)
  if not last then break end
  local ok, record = pcall(cjson.decode, last)
  local at = ok and type(record) == 'table' and tonumber(record['dead_at'])
  if not at or at >= oldest then break end
  redis.call('RPOP', KEYS[1])
end
return before - redis.call('LLEN', KEYS[1])
