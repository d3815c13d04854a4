package dev.shortr.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.visit.ClickStore;
import dev.shortr.visit.ClickTallies;
import dev.shortr.visit.ClickTally;
import dev.shortr.visit.DailyClicks;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link ClickStore} adapter must do; one subclass per adapter supplies a fresh store. */
public abstract class ClickStoreContract {
    private static final long ABC123 = 1;
    private static final long DEF456 = 2;
    private static final LocalDate MAR_1 = LocalDate.of(2025, 3, 1);
    private static final LocalDate MAR_2 = LocalDate.of(2025, 3, 2);
    private static final LocalDate MAR_5 = LocalDate.of(2025, 3, 5);

    protected abstract ClickStore store();

    @Test
    void anUnclickedLinkHasNoClicks() {
        assertThat(store().total(ABC123)).isZero();
        assertThat(store().daily(ABC123, MAR_1, MAR_5)).isEmpty();
    }

    @Test
    void talliesAddUpPerLinkAndDay() {
        store().add(List.of(new ClickTally(ABC123, MAR_1, 3), new ClickTally(DEF456, MAR_1, 1)));
        store().add(List.of(new ClickTally(ABC123, MAR_1, 2), new ClickTally(ABC123, MAR_5, 4)));
        store().add(List.of());

        assertThat(store().total(ABC123)).isEqualTo(9);
        assertThat(store().total(DEF456)).isEqualTo(1);
        assertThat(store().daily(ABC123, MAR_1, MAR_5))
                .containsExactly(new DailyClicks(MAR_1, 5), new DailyClicks(MAR_5, 4));
    }

    @Test
    void aBatchIsAddedOncePerKey() {
        ClickTallies batch = ClickTallies.of(List.of(new ClickTally(ABC123, MAR_1, 3), new ClickTally(DEF456, MAR_2, 2)));
        assertThat(store().addOnce("edge-a-1", batch)).isTrue();
        assertThat(store().addOnce("edge-a-1", batch)).isFalse(); // the retry after a lost answer
        assertThat(store().addOnce("edge-b-1", ClickTallies.of(List.of(new ClickTally(ABC123, MAR_1, 1))))).isTrue();
        assertThat(store().addOnce("edge-a-2", ClickTallies.of(List.of()))).isTrue();
        assertThat(store().addOnce("edge-a-2", batch)).isFalse(); // an empty batch takes its key too

        assertThat(store().total(ABC123)).isEqualTo(4);
        assertThat(store().total(DEF456)).isEqualTo(2);
        assertThat(store().daily(ABC123, MAR_1, MAR_5)).containsExactly(new DailyClicks(MAR_1, 4));
    }

    @Test
    void dailyIsInclusiveOfBothEndsAndOldestFirst() {
        store().add(List.of(new ClickTally(ABC123, MAR_5, 1), new ClickTally(ABC123, MAR_2, 2),
                new ClickTally(ABC123, MAR_1, 3), new ClickTally(ABC123, LocalDate.of(2025, 3, 6), 7)));

        assertThat(store().daily(ABC123, MAR_2, MAR_5)).containsExactly(new DailyClicks(MAR_2, 2), new DailyClicks(MAR_5, 1));
        assertThat(store().daily(ABC123, MAR_2, MAR_2)).containsExactly(new DailyClicks(MAR_2, 2));
        assertThat(store().daily(ABC123, MAR_5, MAR_1)).isEmpty();
    }

    @Test
    void totalsAnswerForManyLinksAtOnce() {
        store().add(List.of(new ClickTally(ABC123, MAR_1, 3), new ClickTally(ABC123, MAR_2, 1),
                new ClickTally(DEF456, MAR_2, 6)));

        Map<Long, Long> totals = store().totals(List.of(ABC123, DEF456, 99L));

        assertThat(totals.get(ABC123)).isEqualTo(4);
        assertThat(totals.get(DEF456)).isEqualTo(6);
        assertThat(totals.getOrDefault(99L, 0L)).isZero();
        assertThat(store().totals(List.of())).isEmpty();
    }

    @Test
    void concurrentAddsAreNotLost() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        store().add(List.of(new ClickTally(ABC123, MAR_1, 1), new ClickTally(DEF456, MAR_2, 2)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        assertThat(store().total(ABC123)).isEqualTo(320);
        assertThat(store().total(DEF456)).isEqualTo(640);
    }
}
