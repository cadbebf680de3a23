-- ack: forgets an unacknowledged message (kombu's ZREM unacked_index + HDEL unacked), but only
-- while the entry is still the one this consumer popped: after a restore and a new pop by someone
-- else, the same tag belongs to another holder and must stay.
-- KEYS[1]  unacked        hash
-- KEYS[2]  unacked_index  zset
-- ARGV[1]  delivery tag
-- ARGV[2]  the unacked entry as written when popped
-- Returns 1 when acknowledged, 0 when the entry was gone or someone else's.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
