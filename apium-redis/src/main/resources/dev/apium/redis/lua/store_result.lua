-- store_result: writes a task's state (SETEX) and PUBLISHes it on the key's channel, atomically,
-- refusing to replace a stored SUCCESS (Celery does GET then SET, which can race).
-- KEYS[1]  celery-task-meta-<id>
-- ARGV[1]  result meta JSON
-- ARGV[2]  time to live, seconds
-- Returns 1 when stored, 0 when a SUCCESS was already there.
local old = redis.call('GET', KEYS[1])
if old then
  local ok, meta = pcall(cjson.decode, old)
  if ok and type(meta) == 'table' and meta['status'] == 'SUCCESS' then return 0 end
end
redis.call('SETEX', KEYS[1], ARGV[2], ARGV[1])
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1
