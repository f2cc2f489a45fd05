package io.moat.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** What the start logs about the database, on this run's database (H2, or PostgreSQL in the second run). */
class DatabaseCheckTest {

    @Test
    void urlsLoseTheirParametersWhichMayHoldAPassword() {
        assertThat(DatabaseCheck.withoutParameters("jdbc:postgresql://db:5432/moat?user=moat&password=s3cret"))
                .isEqualTo("jdbc:postgresql://db:5432/moat");
        assertThat(DatabaseCheck.withoutParameters("jdbc:h2:file:/data/db/moat;PASSWORD=s3cret;WRITE_DELAY=500"))
                .isEqualTo("jdbc:h2:file:/data/db/moat");
        assertThat(DatabaseCheck.withoutParameters(null)).isEqualTo("an unknown URL");
    }

    @Test
    void describesTheDatabaseAndWarnsOnlyWhereMailCouldBeLost() throws Exception {
        try (Connection c = TestDatabases.dataSource("check-" + System.nanoTime()).getConnection()) {
            if (TestDatabases.POSTGRESQL) {
                assertThat(DatabaseCheck.describe(c)).startsWith("PostgreSQL ").contains(" at jdbc:postgresql://");
                // the tests' cluster runs without fsync; synchronous_commit is set on by the gateway's driver
                assertThat(DatabaseCheck.durabilityWarnings(c)).singleElement().asString()
                        .startsWith("PostgreSQL's fsync is off").contains("set fsync = on");
            } else {
                assertThat(DatabaseCheck.describe(c)).startsWith("H2 ").contains(" at jdbc:h2:mem:check-");
                assertThat(DatabaseCheck.durabilityWarnings(c)).isEmpty();
            }
        }
    }
}
