package dev.shortr.store.postgres;

import dev.shortr.auth.ApiKey;
import dev.shortr.auth.KeyStore;
import dev.shortr.auth.Scope;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@link KeyStore} on a {@link PostgresDatabase}. Scopes are stored as their wire names, comma-separated. */
public final class PostgresKeyStore implements KeyStore {
    private static final String COLUMNS = "id, name, scopes, prefix, hash, created_at, revoked_at";
    private static final String INSERT = "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_HASH = "SELECT " + COLUMNS + " FROM api_keys WHERE hash = ?";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM api_keys WHERE id = ?";
    // n breaks ties between keys minted in the same millisecond: later insert first
    private static final String LIST = "SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at DESC, n DESC";
    private static final String REVOKE = "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

    private final PostgresDatabase db;
    private final Clock clock;

    public PostgresKeyStore(PostgresDatabase db) {
        this(db, Clock.systemUTC());
    }

    /** {@code clock} stamps revocations. */
    public PostgresKeyStore(PostgresDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void insert(ApiKey key) {
        db.write("insert api key " + key.id(), c -> {
            try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                insert.setString(1, key.id());
                insert.setString(2, key.name());
                insert.setString(3, key.scopes().stream().map(Scope::wire).sorted().collect(Collectors.joining(",")));
                insert.setString(4, key.prefix());
                insert.setBytes(5, key.hash());
                insert.setLong(6, key.createdAt().toEpochMilli());
                LinkRows.setNullable(insert, 7, key.revokedAt() == null ? null : key.revokedAt().toEpochMilli());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<ApiKey> findByHash(byte[] hash) {
        return db.read("find api key by hash", c -> {
            try (PreparedStatement find = c.prepareStatement(BY_HASH)) {
                find.setBytes(1, hash);
                return first(find);
            }
        });
    }

    @Override
    public Optional<ApiKey> findById(String id) {
        return db.read("find api key " + id, c -> {
            try (PreparedStatement find = c.prepareStatement(BY_ID)) {
                find.setString(1, id);
                return first(find);
            }
        });
    }

    @Override
    public List<ApiKey> list() {
        return db.read("list api keys", c -> {
            try (PreparedStatement list = c.prepareStatement(LIST); ResultSet rs = list.executeQuery()) {
                List<ApiKey> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(key(rs));
                }
                return out;
            }
        });
    }

    @Override
    public boolean revoke(String id) {
        return db.write("revoke api key " + id, c -> {
            try (PreparedStatement revoke = c.prepareStatement(REVOKE)) {
                revoke.setLong(1, clock.millis());
                revoke.setString(2, id);
                return revoke.executeUpdate() == 1;
            }
        });
    }

    @Override
    public long count() {
        return db.read("count api keys", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM api_keys"); ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static Optional<ApiKey> first(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(key(rs)) : Optional.empty();
        }
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        String scopes = rs.getString(3);
        return new ApiKey(rs.getString(1), rs.getString(2), scopes.isEmpty() ? Set.of() : Scope.parseList(scopes),
                rs.getString(4), rs.getBytes(5), LinkRows.instant(rs, 6), LinkRows.instant(rs, 7));
    }
}
