-- release_lock: deletes a mutex (unacked_mutex) only when it still holds our token, as redis-py's
-- Lock.release does, so a lock that expired and was taken by another process is left alone.
-- KEYS[1]  the mutex key
-- ARGV[1]  our token
-- Returns 1 when released, 0 otherwise.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
