/**
 * Lua for RedisPresenceStore: each script runs atomically, so gateways racing on one user
 * see one order of opens, heartbeats and closes. Keys of one user share the hash tag `{user}`
 * (one cluster slot). KEYS: 1 the connection key, 2 the user's connection set, 3 the user's
 * state hash {at: lastSeenAt ms, on: last reported state '1'|'0'}. The connection keys found
 * through the set are named ARGV prefix .. id, in that same slot.
 */

/** lastSeenAt only rises (a guarded write: stores the ARGV string, never a Lua float). */
const RAISE_SEEN = `
local function raise_seen(hash, at)
  local current = tonumber(redis.call('HGET', hash, 'at'))
  if not current or current < tonumber(at) then redis.call('HSET', hash, 'at', at) end
end
`;

/**
 * Open or heartbeat (ARGV: id, ttlMs, at). Sets the connection's key with its TTL (re-creating
 * it after an expiry), lists it, keeps the set alive as long as its newest member, raises
 * lastSeenAt. Returns 1 when it reports the user online (the last report was offline or none).
 */
export const RENEW = `${RAISE_SEEN}
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
raise_seen(KEYS[3], ARGV[3])
if redis.call('HGET', KEYS[3], 'on') == '1' then return 0 end
redis.call('HSET', KEYS[3], 'on', '1')
return 1
`;

/**
 * Close (ARGV: id, at, prefix). Unknown users are left alone. Drops the connection, raises
 * lastSeenAt, counts the user's live connection keys (dropping expired ids from the set) and
 * returns 1 when it reports the user offline (last report online, no live connection left).
 */
export const CLOSE = `${RAISE_SEEN}
if redis.call('HEXISTS', KEYS[3], 'on') == 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
raise_seen(KEYS[3], ARGV[2])
if redis.call('HGET', KEYS[3], 'on') ~= '1' then return 0 end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[3] .. id) == 1 then return 0 end
  redis.call('SREM', KEYS[2], id)
end
redis.call('HSET', KEYS[3], 'on', '0')
return 1
`;

/**
 * Read one user (KEYS: 1 set, 2 state hash; ARGV: prefix): {live 1|0, lastSeenAt ms} or
 * false when the user was never seen. Writes nothing.
 */
export const STATE = `
local at = redis.call('HGET', KEYS[2], 'at')
if not at then return false end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. id) == 1 then return {1, at} end
end
return {0, at}
`;
