package io.moat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresClusterTest {

    @Test
    void startsItsOwnClusterAndLeavesNothingBehind() throws Exception {
        Path directory;
        int port;
        try (PostgresCluster cluster = PostgresCluster.start()) {
            directory = cluster.directory();
            port = cluster.port();
            assertThat(directory).isDirectory();
            assertThat(directory.toString()).doesNotStartWith("/var/lib/postgresql");
            cluster.createDatabase("kit_check");
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("kit_check"), PostgresCluster.USER, "");
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT current_database(), current_setting('fsync'), 1")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("kit_check");
                assertThat(r.getString(2)).isEqualTo("off");
                assertThat(r.getInt(3)).isEqualTo(1);
            }
        }
        assertThat(Files.exists(directory)).isFalse();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void anotherJvmsClusterIsReachedByItsPortAndItsDatabasesMadeAnew() throws Exception {
        PostgresCluster attached = PostgresCluster.attached(PostgresCluster.shared().port());
        attached.recreateDatabase("kit_again");
        String url = PostgresCluster.shared().jdbcUrl("kit_again");
        try (Connection c = DriverManager.getConnection(url, PostgresCluster.USER, "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE left_behind (id INT)");
        }
        attached.recreateDatabase("kit_again");
        try (Connection c = DriverManager.getConnection(url, PostgresCluster.USER, "");
                ResultSet r = c.getMetaData().getTables(null, null, "left_behind", null)) {
            assertThat(r.next()).as("the table of the database before").isFalse();
        }
        attached.close(); // stops nothing
        try (Connection c = DriverManager.getConnection(url, PostgresCluster.USER, "")) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void refusesDatabaseNamesThatAreNotPlain() {
        PostgresCluster cluster = PostgresCluster.shared();
        assertThatThrownBy(() -> cluster.createDatabase("x; DROP")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cluster.recreateDatabase("Moat")).isInstanceOf(IllegalArgumentException.class);
    }
}
