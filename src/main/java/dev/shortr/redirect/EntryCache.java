package dev.shortr.redirect;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Function;
import java.util.function.Predicate;

/** What the redirect tier needs of its cache: the holding {@link CodeTable} or an evicting Caffeine cache. */
interface EntryCache {
    /** The entry of {@code key}, or null; never blocks. */
    Entry getIfPresent(CodeKey key);

    /**
     * The entry of {@code key}, loading it with {@code loader} when absent; concurrent loads of one key share
     * one call. A load that an invalidation of the key overtakes is returned but not kept.
     */
    Entry get(CodeKey key, Function<CodeKey, Entry> loader);

    void putIfAbsent(CodeKey key, Entry entry);

    /** Removes and returns the entry of {@code key}, or null. */
    Entry remove(CodeKey key);

    /** Removes the entry of {@code key} only if it is {@code expected}. */
    void remove(CodeKey key, Entry expected);

    void removeIf(Predicate<Entry> filter);

    long size();

    /** Caffeine with a size bound (W-TinyLFU) for a store larger than the cache may hold. */
    static EntryCache evicting(long maximumSize) {
        Cache<CodeKey, Entry> cache = Caffeine.newBuilder().maximumSize(maximumSize).build();
        return new EntryCache() {
            @Override
            public Entry getIfPresent(CodeKey key) {
                return cache.getIfPresent(key);
            }

            @Override
            public Entry get(CodeKey key, Function<CodeKey, Entry> loader) {
                return cache.get(key, loader);
            }

            @Override
            public void putIfAbsent(CodeKey key, Entry entry) {
                cache.asMap().putIfAbsent(key, entry);
            }

            @Override
            public Entry remove(CodeKey key) {
                return cache.asMap().remove(key);
            }

            @Override
            public void remove(CodeKey key, Entry expected) {
                cache.asMap().remove(key, expected);
            }

            @Override
            public void removeIf(Predicate<Entry> filter) {
                cache.asMap().values().removeIf(filter);
            }

            @Override
            public long size() {
                return cache.estimatedSize();
            }
        };
    }
}
