-- unland: gives back one envelope left in a consumer's landing list (moved there by its blocking
-- wait but never held: the consumer closed, its hold failed, or it died), atomically: only the
-- caller whose LREM removed it pushes it, so racing reapers restore it once.
-- KEYS[1]  the landing list
-- KEYS[2..] target lists (the queue's priority list, consuming end; or the dead-letter list)
-- ARGV[1]  the envelope as it sits in the landing list
-- ARGV[2]  what to push (the envelope with redelivered flags, or a dead-letter record)
-- ARGV[3]  'right' = consuming end of a queue (delivered next); 'left' = LPUSH (dead letters)
-- Returns 1 when given back, 0 when the envelope was no longer there.
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
local cmd = 'RPUSH'
if ARGV[3] == 'left' then cmd = 'LPUSH' end
for i = 2, #KEYS do redis.call(cmd, KEYS[i], ARGV[2]) end
return 1
