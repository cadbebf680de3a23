-- fenced_put: writes a value (a beat entry's last run) only while the caller still holds its
-- lease, in one step, so a stale leader cannot move state backwards.
-- KEYS[1]  the lease key
-- KEYS[2]  the key to write (no expiry)
-- ARGV[1]  the caller's lease value "<token>|<owner>"
-- ARGV[2]  the value
-- Returns 1 when written, 0 when the lease is lost.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
