-- pop: takes up to ARGV[2] messages off the queue lists and records each one as unacknowledged,
-- in the same atomic step (kombu's QoS.append), so no crash can lose a popped message.
-- KEYS[1]  unacked          hash  tag -> '[envelope, exchange, routing_key]'
-- KEYS[2]  unacked_index    zset  tag -> epoch seconds
-- KEYS[3]  dead-letter list (envelopes that are not JSON objects go there, never back)
-- KEYS[4..] queue lists, priority step major: KEYS[3 + s*Q + q] for step s (0..3), queue q (1..Q)
-- ARGV[1]  now, epoch seconds (float text)
-- ARGV[2]  how many messages at most
-- ARGV[3]  Q, the number of queues
-- ARGV[4 .. 3+Q]          queue names (routing key when the envelope has no delivery_info)
-- ARGV[4+Q]  the consumer's delivery tag prefix (random, unique per consumer)
-- ARGV[5+Q]  the consumer's next tag number: the n-th message popped gets tag prefix .. (number+n-1)
--            Every pop gets a fresh tag, never the envelope's delivery_tag, so a message restored
--            and popped again is held under a new tag and an ack by tag (ZREM + HDEL) of the old
--            holder cannot touch it. A tag already in unacked (this very call replayed after a
--            lost reply) is never overwritten: the message gets the tag with a '~k' suffix.
-- Returns a flat array of 4-tuples: {1, queue index, tag, envelope} for a delivery;
-- {0, queue index, reason, envelope} for a message moved to the dead-letter list.
-- Queues are served round-robin (the queue that delivered moves to the end), lower step first;
-- a single queue is popped with RPOP count. The unacked writes are one ZADD and one HSET for all.
-- An envelope in the layout kombu and Apium write (ending in properties' delivery_info, priority,
-- body_encoding, delivery_tag) is not decoded here: its exchange and routing key are read with a
-- string match, and the consumer checks the envelope in full (dead-lettering what is malformed).
-- Any other text is decoded with cjson, and what is not a JSON object is dead-lettered here.
local max = tonumber(ARGV[2])
local q = tonumber(ARGV[3])
local prefix, first = ARGV[4 + q], tonumber(ARGV[5 + q])
local usual = '^"delivery_info": ?{"exchange": ?("[^"\\]*"), ?"routing_key": ?("[^"\\]*")}, ?'
  .. '"priority": ?%d+, ?"body_encoding": ?"base64", ?"delivery_tag": ?"[^"\\]*"}}$'

-- take the messages: raws[i] came from queue index from[i]
local raws, from = {}, {}
if q == 1 then
  for s = 0, 3 do
    local got = redis.call('RPOP', KEYS[4 + s], max - #raws)
    if got then
      for _, raw in ipairs(got) do
        raws[#raws + 1] = raw
        from[#from + 1] = 1
      end
      if #raws == max then break end
    end
  end
else
  local order = {}
  for i = 1, q do order[i] = i end
  for n = 1, max do
    local raw, hit = nil, nil
    for s = 0, 3 do
      for pos = 1, q do
        raw = redis.call('RPOP', KEYS[3 + s * q + order[pos]])
        if raw then hit = pos break end
      end
      if raw then break end
    end
    if not raw then break end
    local qi = order[hit]
    table.remove(order, hit)
    table.insert(order, qi)
    raws[n] = raw
    from[n] = qi
  end
end

-- The same call can run twice (a client replays a command whose reply a dropped connection lost):
-- the first run's entries stay under their tags, the replay takes suffixed ones. One HMGET of the
-- tags this call would use (tags[n] for the n-th message) tells whether any is taken; only then is
-- each one checked.
local replayed, tags = false, {}
if #raws > 0 then
  for n = 1, #raws do tags[n] = prefix .. string.format('%d', first + n - 1) end
  for _, entry in ipairs(redis.call('HMGET', KEYS[1], unpack(tags))) do
    if entry then replayed = true break end
  end
end

-- hold them under fresh tags, or dead-letter what is not a JSON object
local out, scored, held = {}, {}, {}
for n = 1, #raws do
  local raw, qi = raws[n], from[n]
  local tail, _, ex, rk = nil
  if string.byte(raw, 1) == 123 then
    -- properties' delivery_info is near the end: looked for in the last 256 bytes, then 1,024
    local at = string.find(raw, '"delivery_info":', math.max(1, #raw - 255), true)
      or string.find(raw, '"delivery_info":', math.max(1, #raw - 1023), true)
    if at then _, _, ex, rk = string.find(raw, usual, at) end
  end
  if ex then
    tail = ', ' .. ex .. ', ' .. rk .. ']'
  else
    local ok, env = pcall(cjson.decode, raw)
    if ok and type(env) == 'table' then
      ex, rk = '', ARGV[3 + qi]
      local props = env['properties']
      if type(props) == 'table' then
        local info = props['delivery_info']
        if type(info) == 'table' then
          if type(info['exchange']) == 'string' then ex = info['exchange'] end
          if type(info['routing_key']) == 'string' then rk = info['routing_key'] end
        end
      end
      tail = ', ' .. cjson.encode(ex) .. ', ' .. cjson.encode(rk) .. ']'
    end
  end
  local o = #out
  if tail then
    local tag = tags[n]
    if replayed and redis.call('HEXISTS', KEYS[1], tag) == 1 then
      local k = 1
      while redis.call('HEXISTS', KEYS[1], tag .. '~' .. k) == 1 do k = k + 1 end
      tag = tag .. '~' .. k
    end
    scored[#scored + 1] = ARGV[1]
    scored[#scored + 1] = tag
    held[#held + 1] = tag
    held[#held + 1] = '[' .. raw .. tail
    out[o + 1], out[o + 2], out[o + 3], out[o + 4] = 1, qi, tag, raw
  else
    local reason = 'envelope is not a JSON object'
    redis.call('LPUSH', KEYS[3], cjson.encode({reason = reason, queue = ARGV[3 + qi],
      dead_at = tonumber(ARGV[1]), raw = raw}))
    out[o + 1], out[o + 2], out[o + 3], out[o + 4] = 0, qi, reason, raw
  end
end
if #held > 0 then
  redis.call('ZADD', KEYS[2], unpack(scored))
  redis.call('HSET', KEYS[1], unpack(held))
end
return out
