-- rate_limit: takes one token from a cluster-wide token bucket (Apium's cluster rate limits).
-- The bucket refills continuously at ARGV[1] tokens per second up to ARGV[2]; time is the Redis
-- server's (TIME), so workers' clocks do not matter. The bucket expires once it would be full.
-- KEYS[1]  bucket hash {tokens, ts (ms)}
-- ARGV[1]  rate, tokens per second (> 0)
-- ARGV[2]  capacity
-- Returns 0 when a token was taken, else the milliseconds until one is available.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) * 1000 / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
return wait
