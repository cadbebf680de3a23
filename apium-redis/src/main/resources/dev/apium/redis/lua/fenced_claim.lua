-- fenced_claim: sets a key when absent (an idempotency key), only while the caller still holds
-- its lease, in one step, so a leader that lost its lease cannot claim anything.
-- KEYS[1]  the lease key
-- KEYS[2]  the key to claim
-- ARGV[1]  the caller's lease value "<token>|<owner>"
-- ARGV[2]  the value to set
-- ARGV[3]  the claim's time to live in milliseconds
-- Returns 1 when claimed, 0 when the key already existed, -1 when the lease is lost.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 1 end
return 0
