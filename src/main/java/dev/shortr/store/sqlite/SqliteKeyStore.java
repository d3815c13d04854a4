package dev.shortr.store.sqlite;

import dev.shortr.auth.ApiKey;
import dev.shortr.auth.KeyStore;
import dev.shortr.auth.Scope;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@link KeyStore} on a {@link SqliteDatabase}. Scopes are stored as their wire names, comma-separated. */
public final class SqliteKeyStore implements KeyStore {
    private static final String COLUMNS = "id, name, scopes, prefix, hash, created_at, revoked_at";
    private static final String INSERT = "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_HASH = "SELECT " + COLUMNS + " FROM api_keys WHERE hash = ?";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM api_keys WHERE id = ?";
    // rowid breaks ties between keys minted in the same millisecond: later insert first
    private static final String LIST = "SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at DESC, rowid DESC";
    private static final String REVOKE = "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

    private final SqliteDatabase db;
    private final Clock clock;

    public SqliteKeyStore(SqliteDatabase db) {
        this(db, Clock.systemUTC());
    }

    /** {@code clock} stamps revocations. */
    public SqliteKeyStore(SqliteDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void insert(ApiKey key) {
        db.write("insert api key " + key.id(), s -> {
            PreparedStatement insert = s.prepare(INSERT);
            insert.setString(1, key.id());
            insert.setString(2, key.name());
            insert.setString(3, key.scopes().stream().map(Scope::wire).sorted().collect(Collectors.joining(",")));
            insert.setString(4, key.prefix());
            insert.setBytes(5, key.hash());
            insert.setLong(6, key.createdAt().toEpochMilli());
            if (key.revokedAt() == null) {
                insert.setNull(7, Types.INTEGER);
            } else {
                insert.setLong(7, key.revokedAt().toEpochMilli());
            }
            return insert.executeUpdate();
        });
    }

    @Override
    public Optional<ApiKey> findByHash(byte[] hash) {
        return db.read("find api key by hash", s -> {
            PreparedStatement find = s.prepare(BY_HASH);
            find.setBytes(1, hash);
            return first(find);
        });
    }

    @Override
    public Optional<ApiKey> findById(String id) {
        return db.read("find api key " + id, s -> {
            PreparedStatement find = s.prepare(BY_ID);
            find.setString(1, id);
            return first(find);
        });
    }

    @Override
    public List<ApiKey> list() {
        return db.read("list api keys", s -> {
            try (ResultSet rs = s.prepare(LIST).executeQuery()) {
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
        return db.write("revoke api key " + id, s -> {
            PreparedStatement revoke = s.prepare(REVOKE);
            revoke.setLong(1, clock.millis());
            revoke.setString(2, id);
            return revoke.executeUpdate() == 1;
        });
    }

    @Override
    public long count() {
        return db.read("count api keys", s -> s.single("SELECT count(*) FROM api_keys"));
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
