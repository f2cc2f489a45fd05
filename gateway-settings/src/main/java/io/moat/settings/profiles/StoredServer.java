package io.moat.settings.profiles;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * One server of a profile as it is stored: the profile's {@code servers} column holds a JSON array of these, read
 * and written by JSON-B. The password is sealed ({@code Secrets}); a field that is not set is left out.
 *
 * @param encryption {@code NONE}, {@code STARTTLS_OPTIONAL} or {@code STARTTLS_REQUIRED} for {@code smtp://};
 *            {@code null} for {@code smtps://} (implicit TLS) and for Core servers
 * @param verifyHostname {@code null} (as stored before the field existed) means verify
 */
public record StoredServer(String uri, String encryption, List<String> protocols, Boolean verifyHostname,
        String username, String sealedPassword, String clientCertificateId) {

    private static final Jsonb JSON = JsonbBuilder.create();
    private static final Type LIST = new ArrayList<StoredServer>() {
    }.getClass().getGenericSuperclass();

    public StoredServer {
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
    }

    /** The servers of a profile's {@code servers} column. */
    static List<StoredServer> read(String json) {
        List<StoredServer> servers = JSON.fromJson(json, LIST);
        return servers == null ? List.of() : List.copyOf(servers);
    }

    /** The {@code servers} column for these servers. */
    static String write(List<StoredServer> servers) {
        return JSON.toJson(servers, LIST);
    }

    /** Whether the server's certificate must name its host. */
    boolean verifies() {
        return !Boolean.FALSE.equals(verifyHostname);
    }

    /** As the API shows it: never the password, only whether one is set. */
    ServerProfile.Server view() {
        return new ServerProfile.Server(uri, encryption, protocols, verifies(), username, null, sealedPassword != null,
                clientCertificateId);
    }

    @Override
    public String toString() {
        return "StoredServer[" + uri + ", " + encryption + "]"; // never the sealed password
    }
}
