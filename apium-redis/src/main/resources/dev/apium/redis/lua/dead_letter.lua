-- dead_letter: moves an unacknowledged message to the dead-letter list and forgets the entry.
-- KEYS[1]  unacked          hash
-- KEYS[2]  unacked_index    zset
-- KEYS[3]  dead-letter list
-- ARGV[1]  delivery tag
-- ARGV[2]  the unacked entry as read (compare-and-move), or '' for a tag this process popped
--          itself (tags are unique per pop: the tag still being there is enough)
-- ARGV[3]  dead-letter record (JSON: reason, queue, delivery_tag, dead_at, raw)
-- Returns 1 when moved, 0 when the entry had changed (someone else holds it now).
if ARGV[2] == '' then
  if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
elseif redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('LPUSH', KEYS[3], ARGV[3])
return 1
