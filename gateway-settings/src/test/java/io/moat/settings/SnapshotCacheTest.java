package io.moat.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapshotCacheTest {

    @Test
    void aValueIsLoadedOnceAndKeptUntilCleared() {
        AtomicInteger loads = new AtomicInteger();
        SnapshotCache<String> cache = new SnapshotCache<>(() -> "v" + loads.incrementAndGet());

        assertThat(cache.get()).isEqualTo("v1");
        assertThat(cache.get()).isEqualTo("v1");
        cache.clear();
        assertThat(cache.get()).isEqualTo("v2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void aLoadThatACommittedChangeClearedMeanwhileIsNotKept() {
        AtomicInteger loads = new AtomicInteger();
        SnapshotCache<String>[] cache = new SnapshotCache[1];
        cache[0] = new SnapshotCache<>(() -> {
            int n = loads.incrementAndGet();
            if (n == 1) {
                cache[0].clear(); // the change commits while this reader still reads the old rows
                return "stale";
            }
            return "fresh";
        });

        assertThat(cache[0].get()).isEqualTo("stale"); // its reader gets what it read, as a moment earlier
        assertThat(cache[0].get()).isEqualTo("fresh"); // but nobody after it
        assertThat(cache[0].get()).isEqualTo("fresh");
        assertThat(loads).hasValue(2);
    }
}
