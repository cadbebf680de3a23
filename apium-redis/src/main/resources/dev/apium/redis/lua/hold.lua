-- hold: records as unacknowledged a message that an idle consumer's blocking wait moved off its
-- queue (BLMOVE queue landing RIGHT LEFT) into the consumer's own landing list: the message leaves
-- the landing list and enters unacked in one atomic step, so at every moment it is on a list or in
-- unacked. Sent right after the BLMOVE reply, on the connection that later carries the ack, so the
-- ack always runs after it. A replay of this call (a lost reply) finds nothing to move and does
-- nothing.
-- KEYS[1]  unacked          hash  tag -> '[envelope, exchange, routing_key]'
-- KEYS[2]  unacked_index    zset  tag -> epoch seconds
-- KEYS[3]  the consumer's landing list
-- ARGV[1]  now, epoch seconds (float text)
-- ARGV[2]  the fresh delivery tag
-- ARGV[3]  the envelope as it sits in the landing list
-- ARGV[4]  the unacked entry, '[envelope, "exchange", "routing_key"]'
-- Returns 1 when held, 0 when the envelope was no longer in the landing list.
if redis.call('LREM', KEYS[3], -1, ARGV[3]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
return 1
