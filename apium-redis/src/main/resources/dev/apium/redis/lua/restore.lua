-- restore: puts an unacknowledged message back on its queue(s) and forgets the entry, atomically
-- (kombu's restore_by_tag). Used for stale entries past the visibility timeout, for a consumer's
-- own entries on shutdown, and for reject(requeue).
-- KEYS[1]  unacked        hash
-- KEYS[2]  unacked_index  zset
-- KEYS[3..] target lists (priority keys); none = only forget
-- ARGV[1]  delivery tag
-- ARGV[2]  the unacked entry as read by the caller (compare-and-restore), or '' for a tag this
--          process popped itself: tags are unique per pop, so the tag still being there is enough
-- ARGV[3]  envelope to push (redelivered flags set)
-- ARGV[4]  'right' = consuming end, delivered next (restore); 'left' = back of the queue (requeue)
-- ARGV[5]  highest unacked_index score still stale, or '' for no check (keepAlive wins)
-- Returns 1 when restored, 0 when the entry changed, went away or was kept alive.
if ARGV[2] == '' then
  if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
elseif redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
if ARGV[5] ~= '' then
  local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if score and tonumber(score) > tonumber(ARGV[5]) then return 0 end
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
local cmd = 'RPUSH'
if ARGV[4] == 'left' then cmd = 'LPUSH' end
for i = 3, #KEYS do redis.call(cmd, KEYS[i], ARGV[3]) end
return 1
