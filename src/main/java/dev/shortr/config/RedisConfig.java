package dev.shortr.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Redis, for many nodes: rate limits shared by every node, and each edit fanned out to every node's redirect
 * cache. Off when {@code url} is empty: one node, its own buckets, nothing to tell anyone.
 *
 * @param url              {@code redis://host[:port][/db]}, or {@code rediss://} for TLS; empty for none
 * @param passwordFile     a file holding the password Redis asks for (AUTH), or null for none; never in the URL
 * @param timeout          the longest a request waits on Redis (a rate-limit check); past it this node's own buckets answer
 * @param connectTimeout   the longest a connection attempt takes
 * @param fallbackCacheTtl while Redis is unreachable, how stale a cached link may get: the node reads the store's
 *                         change feed this often and drops every link that changed
 * @param catchUpInterval  while Redis is up, how often the change feed is read all the same, for a message lost in a blip
 */
public record RedisConfig(String url, Path passwordFile, Duration timeout, Duration connectTimeout, Duration fallbackCacheTtl,
                          Duration catchUpInterval) {
    public RedisConfig {
        Setting.REDIS_URL.require(url);
        Setting.REDIS_TIMEOUT.require(timeout);
        Setting.REDIS_CONNECT_TIMEOUT.require(connectTimeout);
        Setting.REDIS_FALLBACK_CACHE_TTL.require(fallbackCacheTtl);
        Setting.REDIS_CATCH_UP_INTERVAL.require(catchUpInterval);
    }

    public static RedisConfig defaults() {
        return new RedisConfig("", null, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(10));
    }

    /** Whether a Redis is configured at all. */
    public boolean enabled() {
        return !url.isEmpty();
    }
}
