package dev.greenml.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class TeamTest {

    @Test
    void everyIndexRunsOncePerRunOnItsOwnThreadAndTheCallerIsIndexZero() throws Exception {
        try (Team team = new Team(3)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            ConcurrentHashMap<Integer, Thread> threads = new ConcurrentHashMap<>();
            for (int rep = 0; rep < 2000; rep++) {               // many hand-offs: spinning and parked paths
                team.run(i -> {
                    runs.incrementAndGet(i);
                    threads.put(i, Thread.currentThread());
                });
                if (rep == 1000) Thread.sleep(2);                 // let the workers park once
            }
            for (int i = 0; i < 3; i++) assertThat(runs.get(i)).isEqualTo(2000);
            assertThat(threads.get(0)).isSameAs(Thread.currentThread());
            assertThat(threads.values()).doesNotHaveDuplicates();
        }
    }

    @Test
    void aWorkersExceptionReachesTheCallerAndTheTeamStaysUsable() {
        try (Team team = new Team(2)) {
            assertThatThrownBy(() -> team.run(i -> {
                if (i == 1) throw new IllegalStateException("worker 1 failed");
            })).isInstanceOf(IllegalStateException.class).hasMessage("worker 1 failed");
            int[] sum = new int[2];
            team.run(i -> sum[i] = i + 1);
            assertThat(sum).containsExactly(1, 2);
        }
    }

    @Test
    void partsCoverTheRangeWithoutGapsOrOverlap() {
        for (int n : new int[] {0, 1, 7, 220_301}) {
            for (int parts : new int[] {1, 2, 3, 8}) {
                assertThat(Team.partStart(n, parts, 0)).isZero();
                assertThat(Team.partStart(n, parts, parts)).isEqualTo(n);
                for (int i = 0; i < parts; i++) {
                    int size = Team.partStart(n, parts, i + 1) - Team.partStart(n, parts, i);
                    assertThat(size).isBetween(n / parts, n / parts + 1);
                }
            }
        }
    }

    @Test
    void aClosedTeamRefusesWorkAndRejectsBadSizes() {
        Team team = new Team(2);
        team.close();
        assertThatThrownBy(() -> team.run(i -> {})).hasMessageContaining("closed");
        assertThatThrownBy(() -> new Team(0)).hasMessageContaining("at least 1");
    }
}
