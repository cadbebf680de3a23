-- purge: empties a queue's lists (all priority steps) at once and counts what was there.
-- KEYS[1..] the queue's priority lists
-- Returns the number of messages deleted.
local n = 0
for i = 1, #KEYS do
  n = n + redis.call('LLEN', KEYS[i])
  redis.call('DEL', KEYS[i])
end
return n
