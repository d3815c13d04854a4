package dev.shortr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.app.Stores;
import dev.shortr.auth.ApiKeys;
import dev.shortr.auth.Scope;
import dev.shortr.config.StoreConfig;
import dev.shortr.link.Insert;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.ShortCode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Migration} and {@link Verification} between two SQLite data directories; subclasses rerun every case with
 * a target on another adapter.
 */
class MigrationTest {
    private static final int LINKS = 40;
    private static final int BATCH = 7;

    @TempDir
    Path dir;
    private Stores source;
    private Stores target;
    private StoreFixture.Made made;

    private Stores open(String name) {
        return Stores.open(new StoreConfig("sqlite", dir.resolve(name), 2, 64));
    }

    /** The target store, empty before each test; opened again (same data) after {@link #tamper}. */
    Stores openTarget() {
        return open("target");
    }

    /** Runs {@code sql} on the closed target's database, outside the store; returns the rows it changed. */
    int tamper(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("target").resolve("shortr.db"));
             Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    @BeforeEach
    void fill() {
        source = open("source");
        made = StoreFixture.populate(source, LINKS);
        target = openTarget();
    }

    @AfterEach
    void close() throws Exception {
        source.close();
        target.close();
    }

    private Ports from() {
        return StoreFixture.ports(source);
    }

    private Ports to() {
        return StoreFixture.ports(target);
    }

    private Migration migration(Migration.Progress progress) {
        return new Migration(from(), to(), BATCH, progress);
    }

    @Test
    void aCopyHoldsEverythingTheSourceDoesAndVerifies() {
        Migration.Copied copied = migration(Migration.Progress.NONE).run();

        Verification.Report report = Verification.compare(from(), to());
        assertThat(report.differing()).isEmpty();
        assertThat(report.sections()).extracting(Verification.Section::name)
                .containsExactly("keys", "links", "changes", "clicks", "analytics", "visits");
        assertThat(report.sections()).allSatisfy(s -> assertThat(s.sourceRows()).as(s.name()).isPositive());
        assertThat(copied.keys()).isEqualTo(3);
        assertThat(copied.links()).isEqualTo(made.alive().size());
        assertThat(copied.changes()).isEqualTo(source.links().lastSeq());
        assertThat(copied.visitChunks()).isEqualTo(10);
        assertThat(copied.clickedLinks()).isPositive();
        assertThat(copied.analyticsRows()).isPositive();
    }

    @Test
    void theCopyBehavesLikeTheSource() {
        migration(Migration.Progress.NONE).run();

        for (String code : made.alive()) {
            assertThat(target.links().find(new ShortCode(code))).isEqualTo(source.links().find(new ShortCode(code)));
        }
        for (String code : made.deleted()) {
            assertThat(target.links().wasDeleted(new ShortCode(code))).as("%s answers 410", code).isTrue();
        }
        assertThat(target.links().changesAfter(0, 10_000)).isEqualTo(source.links().changesAfter(0, 10_000));
        ApiKeys keys = new ApiKeys(target.keys(), Clock.systemUTC());
        assertThat(keys.verify(made.tokens().get(0))).hasValueSatisfying(k -> assertThat(k.allows(Scope.ADMIN)).isTrue());
        assertThat(keys.verify(made.tokens().get(1))).hasValueSatisfying(k -> assertThat(k.allows(Scope.REPLICATION)).isTrue());
        // what the target hands out next cannot collide with anything the source ever had
        var fresh = ((Insert.Inserted) target.links().insert(StoreFixture.draft("fresh01", 3))).link();
        assertThat(fresh.id()).isGreaterThan(made.highestId());
        assertThat(fresh.seq()).isEqualTo(source.links().lastSeq() + 1);
    }

    @ParameterizedTest(name = "stopped at commit {1} of {0}")
    @CsvSource({"keys, 1", "links, 1", "links, 3", "changes, 2", "changes, 9", "visit chunks, 1"})
    void aCopyStoppedAfterAnyBatchFinishesWhenRunAgain(String phase, int commits) {
        RuntimeException stop = new RuntimeException("stopped for the test");
        int[] seen = {0};
        assertThatThrownBy(() -> migration((what, n, resumedAfter) -> {
            if (what.equals(phase) && ++seen[0] == commits) {
                throw stop;
            }
        }).run()).isSameAs(stop);
        assertThat(Verification.compare(from(), to()).matches()).as("a copy stopped half-way is not a copy").isFalse();

        List<String> resumed = new ArrayList<>();
        Migration.Copied second = migration((what, n, resumedAfter) -> {
            if (resumedAfter > 0 && !resumed.contains(what)) {
                resumed.add(what);
            }
        }).run();

        assertThat(Verification.compare(from(), to()).differing()).isEmpty();
        assertThat(second.keys()).isZero();
        if (phase.equals("links")) {
            assertThat(resumed).contains("links");
            assertThat(second.links()).isEqualTo(made.alive().size() - (long) commits * BATCH);
        }
        if (phase.equals("changes")) {
            assertThat(resumed).containsExactly("changes");
            assertThat(second.links()).isZero();
            assertThat(second.changes()).isEqualTo(source.links().lastSeq() - (long) commits * BATCH);
        }
    }

    @Test
    void runningAFinishedCopyAgainCopiesNothingAndStillVerifies() {
        migration(Migration.Progress.NONE).run();

        Migration.Copied again = migration(Migration.Progress.NONE).run();

        assertThat(again.keys() + again.links() + again.clickedLinks() + again.changes() + again.visitChunks()).isZero();
        assertThat(Verification.compare(from(), to()).differing()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a link's target          | UPDATE links SET target = 'https://evil.example/' WHERE id = (SELECT min(id) FROM links)                  | links",
            "a tag                    | DELETE FROM link_tags WHERE (link_id, position) IN (SELECT link_id, position FROM link_tags LIMIT 1)     | links",
            "a change's kind          | UPDATE changes SET kind = 'UPDATED' WHERE seq = 2                                                          | changes",
            "a deleted code           | DELETE FROM deleted_codes WHERE code = 'zlast'                                                           | changes",
            "a key's scopes           | UPDATE api_keys SET scopes = 'admin' WHERE name = 'edge'                                                   | keys",
            "a day of clicks          | UPDATE click_days SET clicks = clicks + 1 WHERE link_id = (SELECT min(link_id) FROM click_days)            | clicks",
            "an hour of analytics     | DELETE FROM click_hours WHERE link_id = (SELECT min(link_id) FROM click_hours)                             | analytics",
            "a visitor salt           | UPDATE visitor_salts SET salt = substr(salt, 2)                                                            | analytics",
            "a chunk of visits        | UPDATE visit_chunks SET visits = visits + 1 WHERE id = 2                                                   | visits"})
    void verificationFindsATamperedTarget(String what, String sql, String section) throws Exception {
        migration(Migration.Progress.NONE).run();
        target.close();
        assertThat(tamper(sql)).as("rows tampered with").isPositive();
        target = openTarget();

        Verification.Report report = Verification.compare(from(), to());

        assertThat(report.differing()).extracting(Verification.Section::name).containsExactly(section);
    }

    @Test
    void aTargetWithDataOfItsOwnIsRefusedBeforeAnythingIsWritten() {
        new ApiKeys(target.keys(), Clock.systemUTC()).mint("admin (first start)", EnumSet.of(Scope.ADMIN));

        assertThatThrownBy(() -> migration(Migration.Progress.NONE).run())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not in the source");
        assertThat(target.links().count()).isZero();
        assertThat(target.keys().count()).isEqualTo(1);
    }

    @Test
    void aTargetWithAnotherLinkIsRefused() {
        target.links().insert(StoreFixture.draft("other1", 1));

        assertThatThrownBy(() -> migration(Migration.Progress.NONE).run()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("link other1");
        assertThat(target.links().list(LinkQuery.all(10)).items()).hasSize(1);
    }
}
