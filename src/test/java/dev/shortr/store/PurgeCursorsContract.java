package dev.shortr.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.cdn.PurgeCursors;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What every {@link PurgeCursors} adapter must do; one subclass per adapter supplies a fresh store. */
public abstract class PurgeCursorsContract {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final String VARNISH = "varnish http://10.0.0.5:6081";

    protected abstract PurgeCursors cursors();

    @Test
    void aNewTargetStartsWhereItIsToldAndKeepsItsPlace() {
        assertThat(cursors().claim(VARNISH, "node-a", T0, T0.plusSeconds(60), 42)).isEqualTo(OptionalLong.of(42));
        assertThat(cursors().advance(VARNISH, "node-a", 50)).isTrue();
        // the start given later is ignored: the target has a place already
        assertThat(cursors().claim(VARNISH, "node-a", T0.plusSeconds(1), T0.plusSeconds(61), 99)).isEqualTo(OptionalLong.of(50));
    }

    @Test
    void theCursorNeverMovesBack() {
        cursors().claim(VARNISH, "node-a", T0, T0.plusSeconds(60), 10);
        assertThat(cursors().advance(VARNISH, "node-a", 30)).isTrue();
        assertThat(cursors().advance(VARNISH, "node-a", 20)).isTrue();
        assertThat(cursors().claim(VARNISH, "node-a", T0, T0.plusSeconds(60), 0)).isEqualTo(OptionalLong.of(30));
    }

    @Test
    void anotherNodeGetsTheLeaseOnlyOnceItRunsOut() {
        cursors().claim(VARNISH, "node-a", T0, T0.plusSeconds(60), 7);
        assertThat(cursors().claim(VARNISH, "node-b", T0.plusSeconds(59), T0.plusSeconds(119), 0)).isEmpty();
        assertThat(cursors().advance(VARNISH, "node-b", 100)).as("a node without the lease moves nothing").isFalse();

        assertThat(cursors().claim(VARNISH, "node-b", T0.plusSeconds(60), T0.plusSeconds(120), 0)).isEqualTo(OptionalLong.of(7));
        assertThat(cursors().advance(VARNISH, "node-a", 100)).as("the old holder, whose lease ran out").isFalse();
        assertThat(cursors().claim(VARNISH, "node-a", T0.plusSeconds(61), T0.plusSeconds(121), 0)).isEmpty();
    }

    @Test
    void theHolderRenewsItsOwnLease() {
        cursors().claim(VARNISH, "node-a", T0, T0.plusSeconds(60), 1);
        assertThat(cursors().claim(VARNISH, "node-a", T0.plusSeconds(30), T0.plusSeconds(90), 0)).isEqualTo(OptionalLong.of(1));
        assertThat(cursors().claim(VARNISH, "node-b", T0.plusSeconds(70), T0.plusSeconds(130), 0)).as("renewed to 90 s").isEmpty();
    }

    @Test
    void targetsAreApart() {
        cursors().claim(VARNISH, "node-a", T0, T0.plusSeconds(60), 5);
        assertThat(cursors().claim("http https://api.fastly.com/service/SVC/purge/{key}", "node-b", T0, T0.plusSeconds(60), 9))
                .isEqualTo(OptionalLong.of(9));
        assertThat(cursors().advance(VARNISH, "node-a", 6)).isTrue();
        assertThat(cursors().claim(VARNISH, "node-a", T0, T0.plusSeconds(60), 0)).isEqualTo(OptionalLong.of(6));
    }
}
