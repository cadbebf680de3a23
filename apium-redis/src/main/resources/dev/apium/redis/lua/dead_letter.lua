-- dead_letter: moves an unacknowledged message to the dead-letter list and forgets the entry.
-- KEYS[1]  unacked          hash
-- KEYS[2]  unacked_index    zset
-- KEYS[3]  dead-letter list
-- ARGV[1]  delivery tag
-- ARGV[2]  the unacked entry as popped (compare-and-move; '' = move even if the entry is gone)
-- ARGV[3]  dead-letter record (JSON: reason, queue, delivery_tag, dead_at, raw)
-- Returns 1 when moved, 0 when the entry had changed (someone else holds it now).
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('LPUSH', KEYS[3], ARGV[3])
return 1
