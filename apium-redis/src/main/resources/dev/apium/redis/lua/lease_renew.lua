-- lease_renew: extends a lease only while it still holds the caller's token and owner (compare and
-- set), so a holder whose lease expired and was taken cannot steal it back.
-- KEYS[1]  the lease key
-- ARGV[1]  the caller's lease value "<token>|<owner>"
-- ARGV[2]  time to live in milliseconds
-- Returns 1 when renewed, 0 when the lease is lost.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
