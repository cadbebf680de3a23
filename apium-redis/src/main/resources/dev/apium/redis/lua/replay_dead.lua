-- replay_dead: takes one record off the dead-letter list and puts its envelope back on a queue,
-- atomically, so a record replayed twice at once goes back once.
-- KEYS[1]  dead-letter list
-- KEYS[2]  the queue list to push to (its priority list when the envelope has a priority)
-- ARGV[1]  the dead-letter record, exactly as read from the list
-- ARGV[2]  the envelope to push (redelivered flags set)
-- Returns 1 when replayed, 0 when the record was gone.
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[2])
return 1
