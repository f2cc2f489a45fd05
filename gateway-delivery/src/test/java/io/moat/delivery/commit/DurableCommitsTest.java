package io.moat.delivery.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spool's directory is synced before the records naming its files become durable, on either database. */
class DurableCommitsTest {

    private final List<String> steps = new ArrayList<>();

    private CommitGroup group(boolean durableAtCommit) {
        return DurableCommits.group(works -> {
            works.forEach(Runnable::run);
            steps.add("commit");
        }, () -> steps.add("sync spool"), () -> steps.add("flush"), () -> durableAtCommit, 64);
    }

    @Test
    void onH2TheSpoolIsSyncedAfterTheCommitAndBeforeTheFlushThatMakesItDurable() {
        group(false).run(() -> steps.add("insert"));

        assertThat(steps).containsExactly("insert", "commit", "sync spool", "flush");
    }

    @Test
    void onPostgresqlTheSpoolIsSyncedBeforeTheCommitThatIsDurableWhenItReturns() {
        group(true).run(() -> steps.add("insert"));

        assertThat(steps).containsExactly("sync spool", "insert", "commit");
    }
}
