package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Server profiles refused over REST, each with a 400 problem that names what is wrong, and nothing changed; the
 * shared IT server's own profiles (its Core emulator and sink) stay as they are.
 */
class ServerProfilesIT {

    private static final String API = "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1/server-profiles";

    @BeforeAll
    static void up() {
        TestBed.up();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a name with blanks | {"name":"two words","type":"SMTP","servers":[{"uri":"smtp://mx.it.test:25"}]} | must be 1-64 letters
            no servers         | {"name":"empty","type":"SMTP","servers":[]} | servers is empty
            no type            | {"name":"typeless","servers":[{"uri":"smtp://mx.it.test:25"}]} | type is missing
            a Core URI for SMTP | {"name":"wrong","type":"SMTP","servers":[{"uri":"http://mx.it.test:25"}]} | an SMTP server is smtp://host:port or smtps://host:port
            an SMTP URI for Core | {"name":"wrong","type":"CORE","servers":[{"uri":"smtp://core.it.test:8008"}]} | a Core server is http(s)://host:port
            no host            | {"name":"hostless","type":"SMTP","servers":[{"uri":"smtp:///"}]} | has no host
            an unknown encryption | {"name":"enc","type":"SMTP","servers":[{"uri":"smtp://mx.it.test:25","encryption":"MAYBE"}]} | is not one of
            encryption with smtps | {"name":"enc","type":"SMTP","servers":[{"uri":"smtps://mx.it.test:465","encryption":"STARTTLS_REQUIRED"}]} | smtps:// is implicit TLS
            a user without password | {"name":"auth","type":"SMTP","servers":[{"uri":"smtp://mx.it.test:587","username":"relay"}]} | needs a password
            credentials in clear text | {"name":"clear","type":"SMTP","servers":[{"uri":"smtp://mx.it.test:587","encryption":"NONE","username":"relay","password":"s3cret"}]} | server smtp://mx.it.test:587 has encryption NONE and the username 'relay': credentials are only ever sent over TLS
            a bad recipient domain | {"name":"route","type":"SMTP","recipientDomains":["not a domain"],"servers":[{"uri":"smtp://mx.it.test:25"}]} | is not a domain name
            domains on a Core profile | {"name":"core2","type":"CORE","recipientDomains":["example.org"],"servers":[{"uri":"http://core.it.test:8008"}]} | a Core profile has none
            a Core timeout out of range | {"name":"core3","type":"CORE","timeoutSeconds":700,"servers":[{"uri":"http://core.it.test:8008"}]} | timeoutSeconds must be 1..600
            an API key on SMTP | {"name":"smtpkey","type":"SMTP","apikey":"k","servers":[{"uri":"smtp://mx.it.test:25"}]} | belong to Core profiles
            an unknown client certificate | {"name":"cert","type":"SMTP","servers":[{"uri":"smtp://mx.it.test:25","clientCertificateId":"nope"}]} | no certificate with id 'nope'
            a name taken     | {"name":"DOWNSTREAM","type":"SMTP","servers":[{"uri":"smtp://mx.it.test:25"}]} | exists already
            """)
    void anInvalidProfileIsRefusedWithWhatIsWrong(String what, String json, String expected) {
        int before = profiles().size();
        Api.Answer answer = Api.send("POST", API, json);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).contains(expected).doesNotContain("s3cret");
        assertThat(profiles()).hasSize(before);
    }

    @Test
    void theDefaultProfileCannotBeDeleted() {
        JsonObject downstream = profiles().stream().map(JsonObject.class::cast)
                .filter(p -> p.getString("type").equals("SMTP") && p.getBoolean("defaultProfile")).findFirst()
                .orElseThrow();
        Api.Answer answer = Api.send("DELETE", API + "/" + downstream.getString("id"), null);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("is the default");
        assertThat(Api.send("DELETE", API + "/no-such-profile", null).status()).isEqualTo(404);
    }

    private static JsonArray profiles() {
        return (JsonArray) Api.send("GET", API, null).json();
    }
}
