package io.moat.persistence;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway's database is, for the start's log (never a password: a URL is cut before its parameters), and
 * what about it breaks the promise of SMTP's {@code 250}: on PostgreSQL a commit is durable when it returns only with
 * {@code fsync} on (the session's {@code synchronous_commit} is set by the datasource's driver, ADR 0043).
 */
public final class DatabaseCheck {

    private DatabaseCheck() {
    }

    /** "PostgreSQL 15.18 at jdbc:postgresql://db:5432/moat": product, version and the URL without parameters. */
    public static String describe(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " at "
                + withoutParameters(meta.getURL());
    }

    /** What an admin must fix for mail answered {@code 250} to survive a power cut; empty when nothing. */
    public static List<String> durabilityWarnings(Connection connection) throws SQLException {
        List<String> warnings = new ArrayList<>();
        if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
            return warnings; // H2: DatabaseFlush forces the group's commits to the device
        }
        for (String setting : List.of("fsync", "synchronous_commit")) {
            String value = setting(connection, setting);
            if (!"on".equals(value)) {
                warnings.add("PostgreSQL's " + setting + " is " + value + ": mail answered 250 can be lost in a power"
                        + " cut or a crash of the database server; set " + setting + " = on in postgresql.conf");
            }
        }
        return warnings;
    }

    /** {@code url} up to its parameters ({@code ?} for PostgreSQL, {@code ;} for H2), which may carry a password. */
    static String withoutParameters(String url) {
        if (url == null) {
            return "an unknown URL";
        }
        int end = url.length();
        for (char c : new char[]{'?', ';'}) {
            int at = url.indexOf(c);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return url.substring(0, end);
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_setting('" + name + "')")) {
            return result.next() ? result.getString(1) : "unknown";
        }
    }
}
