/**
 * Redis for many nodes: the connection and its health ({@link dev.shortr.redis.Redis}), rate limits every node
 * shares ({@link dev.shortr.redis.RedisBuckets}) and the fan-out of link changes ({@link dev.shortr.redis.RedisChanges}).
 * Nothing here waits on Redis for longer than {@code redis.timeout}. Depends on config, Lettuce and Bucket4j.
 */
package dev.shortr.redis;
