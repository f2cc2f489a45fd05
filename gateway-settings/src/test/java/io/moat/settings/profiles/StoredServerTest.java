package io.moat.settings.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StoredServerTest {

    @Test
    void aProfilesServersRoundTripThroughTheStoredColumn() {
        List<StoredServer> servers = List.of(
                new StoredServer("smtp://mx.internal:25", "STARTTLS_REQUIRED", List.of("TLSv1.3"), true, "relay",
                        "sealed-1", "cert-7"),
                new StoredServer("smtps://backup.internal:465", null, List.of("TLSv1.2", "TLSv1.3"), false, null, null,
                        null));

        assertThat(StoredServer.read(StoredServer.write(servers))).isEqualTo(servers);
    }

    @Test
    void theColumnAsTheEarlierCodeWroteItIsRead() {
        // written field by field with jakarta.json before the record existed: unset fields left out
        String stored = "[{\"uri\":\"smtp://mx.internal:25\",\"encryption\":\"STARTTLS_OPTIONAL\","
                + "\"protocols\":[\"TLSv1.2\",\"TLSv1.3\"],\"verifyHostname\":true,\"username\":\"relay\","
                + "\"sealedPassword\":\"abc\"},{\"uri\":\"https://core.internal:8008\",\"protocols\":[]}]";

        List<StoredServer> servers = StoredServer.read(stored);

        assertThat(servers).containsExactly(
                new StoredServer("smtp://mx.internal:25", "STARTTLS_OPTIONAL", List.of("TLSv1.2", "TLSv1.3"), true,
                        "relay", "abc", null),
                new StoredServer("https://core.internal:8008", null, List.of(), null, null, null, null));
        assertThat(servers.get(1).verifies()).as("no verifyHostname stored means verify").isTrue();
    }

    @Test
    void unsetFieldsAreLeftOutOfTheColumn() {
        String json = StoredServer.write(List.of(new StoredServer("smtps://mx:465", null, List.of(), true, null, null,
                null)));

        assertThat(json).doesNotContain("encryption", "username", "sealedPassword", "clientCertificateId", "null");
    }

    @Test
    void theApiViewSaysWhetherAPasswordIsSetButNeverHoldsIt() {
        StoredServer server = new StoredServer("smtp://mx:587", "STARTTLS_REQUIRED", List.of(), null, "relay",
                "sealed-secret", null);

        assertThat(server.view().password()).isNull();
        assertThat(server.view().passwordSet()).isTrue();
        assertThat(server.view().verifyHostname()).isTrue();
        assertThat(server.toString()).doesNotContain("sealed-secret");
    }
}
