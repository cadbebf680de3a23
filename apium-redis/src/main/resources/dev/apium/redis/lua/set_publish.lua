-- set_publish: Celery's backend set(): SETEX a key and PUBLISH the value on the key's channel.
-- KEYS[1]  the key (celery-taskset-meta-<gid>, its .s chord size)
-- ARGV[1]  value
-- ARGV[2]  time to live, seconds
-- Returns 1.
redis.call('SETEX', KEYS[1], ARGV[2], ARGV[1])
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1
