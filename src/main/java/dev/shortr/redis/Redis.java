package dev.shortr.redis;

import dev.shortr.config.RedisConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's link to Redis: one connection for commands (rate limits, publishing) and one for pub/sub, both
 * re-established by Lettuce after a drop (subscriptions included), and a health state that every user reads
 * before it waits on Redis.
 *
 * <p>A health thread pings both connections every {@value #PING_EVERY_MS} ms. A failed or slow ping, a dropped
 * connection, or a caller's timeout ({@link #failed}) makes Redis <em>down</em> at once; {@value #PINGS_TO_RECOVER}
 * good pings in a row make it <em>up</em> again. Each transition is logged once (a warning down, an info up; a
 * flapping Redis is logged at most once a minute) and handed to the listeners. Until the first connection
 * succeeds (Redis may be down when the node starts) the health thread keeps trying, and the node serves alone.
 */
public final class Redis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Redis.class);
    static final long PING_EVERY_MS = 250;
    static final int PINGS_TO_RECOVER = 2;
    private static final long QUIET_MS = 60_000;

    private final RedisConfig config;
    /** host:port/db, for messages: the URL holds no password (the config refuses one). */
    private final String where;
    private final ClientResources resources;
    private final RedisClient client;
    private final Map<String, Consumer<String>> subscriptions = new ConcurrentHashMap<>();
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder downs = new LongAdder();
    private volatile StatefulRedisConnection<String, byte[]> commands;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    /** Null until the first health check has decided. */
    private volatile Boolean up;
    private volatile boolean closed;
    private long lastWarnedMs = -QUIET_MS;
    private boolean quietDown; // the last down was not logged, so its recovery is not either
    /** Good pings since the last failure; counted by the health thread, reset by whoever sees a failure. */
    private volatile int goodPings;
    private Thread health;

    private Redis(RedisConfig config) {
        this.config = config;
        RedisURI uri = RedisURI.create(config.url());
        this.where = uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
        if (config.passwordFile() != null) {
            uri.setAuthentication(password(config));
        }
        uri.setTimeout(config.timeout());
        uri.setClientName("shortr");
        // Lettuce's own threads: its minimum of two for I/O and two for callbacks; reconnects back off from 50 ms to 1 s
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // a command sent while disconnected fails at once, instead of queueing until it times out
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.timeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).build())
                .build());
    }

    /**
     * Connects (waiting at most about {@code redis.connectTimeout} for a first answer) and starts the health thread.
     * A Redis that does not answer yet is not an error: the node starts alone and the health thread keeps trying.
     */
    public static Redis start(RedisConfig config) {
        Redis r = new Redis(config);
        r.check();
        r.health = Thread.ofPlatform().name("redis-health").daemon(true).start(r::watch);
        return r;
    }

    private static String password(RedisConfig config) {
        try {
            return Files.readString(config.passwordFile()).strip(); // a secret file's trailing newline is not the password
        } catch (IOException e) {
            throw new UncheckedIOException("redis.passwordFile: cannot read " + config.passwordFile() + ": " + e.getMessage(), e);
        }
    }

    /** Whether Redis answers now: when false, nobody should wait on it. */
    public boolean up() {
        return up == Boolean.TRUE;
    }

    /** Down transitions so far (a Redis unreachable at start counts once). */
    public long downs() {
        return downs.sum();
    }

    /** Where Redis is, as {@code host:port/db}. */
    public String where() {
        return where;
    }

    RedisConfig config() {
        return config;
    }

    /**
     * Calls {@code listener} with the state now (true: up), then with true when Redis comes back up and false when
     * it goes down, on whichever thread noticed; it must not block.
     */
    public synchronized void onHealth(Consumer<Boolean> listener) {
        listeners.add(listener);
        listener.accept(up()); // under the monitor of transition(): no change can slip in between
    }

    /**
     * Hands each message on {@code channel} to {@code onMessage}, on a Lettuce I/O thread (which must not block),
     * from now on and after every reconnect.
     */
    void subscribe(String channel, Consumer<String> onMessage) {
        synchronized (subscriptions) { // against connect(): each channel is subscribed by one of the two
            subscriptions.put(channel, onMessage);
            if (pubSub != null) {
                pubSub.async().subscribe(channel);
            }
        }
    }

    /** The command connection (string keys, byte values), or null before the first connection. */
    StatefulRedisConnection<String, byte[]> commands() {
        return commands;
    }

    /** A caller's command failed or took too long: Redis counts as down until the health thread finds it answering. */
    void failed(String why) {
        goodPings = 0;
        transition(false, why);
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(PING_EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
            check();
        }
    }

    /** One health check: connect if never connected, then ping both connections. */
    private void check() {
        try {
            if (commands == null || pubSub == null) {
                connect();
            }
            commands.async().ping().get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            pubSub.async().ping().get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!commands.isOpen() || !pubSub.isOpen()) {
                throw new IllegalStateException("not connected");
            }
            if (up == null || (!up() && ++goodPings >= PINGS_TO_RECOVER)) {
                transition(true, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException e) {
            failed("no answer to PING within " + config.timeout().toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            failed(String.valueOf(e.getCause().getMessage()));
        } catch (RuntimeException e) {
            failed(String.valueOf(e.getMessage()));
        }
    }

    /** Opens both connections, or neither; Lettuce re-establishes them (and the subscriptions) after any later drop. */
    private void connect() {
        StatefulRedisConnection<String, byte[]> c = null;
        StatefulRedisPubSubConnection<String, String> p = null;
        try {
            c = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            p = client.connectPubSub(StringCodec.UTF8);
            RedisConnectionStateListener dropped = new RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                    if (!closed) {
                        failed("connection lost");
                    }
                }
            };
            c.addListener(dropped);
            p.addListener(dropped);
            p.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    Consumer<String> to = subscriptions.get(channel);
                    if (to != null) {
                        to.accept(message);
                    }
                }
            });
            synchronized (subscriptions) {
                if (!subscriptions.isEmpty()) {
                    p.sync().subscribe(subscriptions.keySet().toArray(String[]::new));
                }
                commands = c;
                pubSub = p;
            }
        } catch (RuntimeException e) {
            if (c != null) {
                c.closeAsync();
            }
            if (p != null) {
                p.closeAsync();
            }
            throw e;
        }
    }

    private synchronized void transition(boolean nowUp, String why) {
        if (closed || (up != null && up == nowUp)) {
            return;
        }
        boolean first = up == null;
        up = nowUp;
        long now = System.currentTimeMillis();
        if (nowUp) {
            if (first) {
                log.info("Redis at {}: connected; rate limits are shared and edits reach every node's cache at once", where);
            } else if (!quietDown) {
                log.info("Redis at {} is back: rate limits are shared again and edits reach every node's cache at once", where);
            }
        } else {
            downs.increment();
            quietDown = now - lastWarnedMs < QUIET_MS;
            if (!quietDown) {
                lastWarnedMs = now;
                log.warn("Redis at {} is {} ({}): rate limits fall back to this node's own buckets, and cached links are "
                                + "checked against the store's change feed every {} ms until it answers again",
                        where, first ? "unreachable" : "down", why, config.fallbackCacheTtl().toMillis());
            }
        }
        for (Consumer<Boolean> l : listeners) {
            l.accept(nowUp);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (health != null) {
            health.interrupt();
        }
        if (commands != null) {
            commands.close();
        }
        if (pubSub != null) {
            pubSub.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
