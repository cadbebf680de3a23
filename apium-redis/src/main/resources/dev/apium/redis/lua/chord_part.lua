-- chord_part: records one finished chord header task and tells, exactly once, that the chord is
-- complete (Celery's on_chord_part_return, made atomic).
-- KEYS[1]  celery-taskset-meta-<gid>.j    zset  group_index -> '[1, id, state, result]'
-- KEYS[2]  celery-taskset-meta-<gid>.s    header size
-- KEYS[3]  celery-taskset-meta-<gid>.t    tasks added while running (add_to_chord)
-- KEYS[4]  celery-taskset-meta-<gid>.ids  set of task ids already counted (dedupe)
-- ARGV[1]  score: the group index, or '+inf' when unknown
-- ARGV[2]  member JSON '[1, "<id>", "<STATE>", <result>]'
-- ARGV[3]  task id
-- ARGV[4]  time to live of every key, seconds
-- Returns the members ordered by score to the caller that completed the chord (the count reaches
-- the total exactly once: ids are deduplicated); an empty array otherwise. As Celery, deletes
-- .j/.s/.t when every part succeeded, and keeps them until they expire when one failed (Celery's
-- join raises ChordError before its delete); .ids expires so late duplicates stay ignored.
if redis.call('SADD', KEYS[4], ARGV[3]) == 0 then return {} end
redis.call('EXPIRE', KEYS[4], ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
local size = redis.call('GET', KEYS[2])
if not size then return {} end
local total = tonumber(size) + tonumber(redis.call('GET', KEYS[3]) or '0')
if redis.call('ZCOUNT', KEYS[1], '-inf', '+inf') ~= total then return {} end
local parts = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, part in ipairs(parts) do
  local state = string.match(part, '^%[%s*1%s*,%s*"[^"]*"%s*,%s*"(%u+)"')
  if state == 'FAILURE' or state == 'REVOKED' then return parts end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return parts
