package io.moat.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class MoatDriverTest {

    private final MoatDriver driver = new MoatDriver();

    @Test
    void acceptsH2AndPostgresqlUrlsOnly() {
        assertThat(driver.acceptsURL("jdbc:h2:mem:x")).isTrue();
        assertThat(driver.acceptsURL("jdbc:postgresql://db/moat")).isTrue();
        assertThat(driver.acceptsURL("jdbc:mysql://db/moat")).isFalse();
        assertThat(driver.acceptsURL(null)).isFalse();
    }

    @Test
    void hasAnH2UrlConnectedByH2() throws SQLException {
        try (Connection c = driver.connect("jdbc:h2:mem:moat-driver-test", new Properties())) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("H2");
        }
    }

    @Test
    void refusesOtherDatabasesWithoutRepeatingTheUrl() {
        assertThatThrownBy(() -> driver.connect("jdbc:mysql://db/moat?user=moat&password=s3cret", new Properties()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("jdbc:mysql:")
                .hasMessageContaining("MOAT_DB_URL")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> driver.connect("s3cret", new Properties())).isInstanceOf(SQLException.class)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void postgresqlSessionsCountInUtcAndCommitDurably() throws SQLException {
        PostgresCluster cluster = PostgresCluster.shared(); // its server commits asynchronously by default
        TimeZone jvm = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin")); // the PostgreSQL driver sends the JVM's zone
        Properties user = new Properties();
        user.setProperty("user", PostgresCluster.USER);
        try (Connection c = driver.connect(cluster.jdbcUrl("postgres"), user);
                Statement s = c.createStatement();
                ResultSet r = s
                        .executeQuery("SELECT current_setting('TimeZone'), current_setting('synchronous_commit'),"
                                + " current_setting('server_version_num')")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("UTC");
            assertThat(r.getString(2)).isEqualTo("on");
        } finally {
            TimeZone.setDefault(jvm);
        }
    }
}
