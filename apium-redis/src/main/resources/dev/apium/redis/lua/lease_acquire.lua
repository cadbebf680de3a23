-- lease_acquire: takes a lease when free (SET NX PX), granting a fencing token from a counter that
-- only rises (INCR); when the caller already holds it, extends it and returns the same token.
-- KEYS[1]  the lease key; its value is "<token>|<owner>"
-- KEYS[2]  the lease's fencing counter (never expires)
-- ARGV[1]  the owner asking
-- ARGV[2]  time to live in milliseconds
-- Returns the token, or -1 when another owner holds the lease.
local held = redis.call('GET', KEYS[1])
if held then
  local sep = string.find(held, '|', 1, true)
  if string.sub(held, sep + 1) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(string.sub(held, 1, sep - 1))
  end
  return -1
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. '|' .. ARGV[1], 'PX', ARGV[2])
return token
