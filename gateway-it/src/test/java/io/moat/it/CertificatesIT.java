package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings > Certificates over REST as an integrator would use it: files uploaded with curl as a multipart form,
 * made by openssl in the forms operators have them (a combined file, an encrypted key, a DER file by mistake).
 */
class CertificatesIT {

    private static final String API = "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1/certificates";

    @TempDir
    Path dir;

    @BeforeEach
    void doubles() {
        TestBed.up();
    }

    @Test
    void combinedPemFileIsStoredListedAndDeletedWithoutEverShowingTheKey() throws Exception {
        OpenSsl.selfSigned(dir, "mx", "mx.it.test", true);
        Path combined = Files.writeString(dir.resolve("tls.pem"),
                Files.readString(dir.resolve("mx.crt")) + Files.readString(dir.resolve("mx.key")));

        Curl added = curl("-X", "POST", API, "-F", "name=mx", "-F", "pem=@" + combined);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        JsonObject certificate = (JsonObject) added.answer().json();
        assertThat(certificate.getString("sha256Fingerprint")).isEqualTo(OpenSsl.fingerprint(dir.resolve("mx.crt")));
        assertThat(certificate.getString("keyAlgorithm")).isEqualTo("EC");
        assertThat(certificate.getInt("keySize")).isEqualTo(256);
        String id = certificate.getString("id");

        Api.Answer list = Api.get("/api/v1/certificates");
        assertThat(list.body()).contains(id).doesNotContain("PRIVATE KEY");

        assertThat(Api.send("DELETE", API + "/" + id, null).status()).isEqualTo(204);
        assertThat(Api.get("/api/v1/certificates/" + id).status()).isEqualTo(404);
    }

    @Test
    void encryptedKeyNeedsItsPassphrase() throws Exception {
        OpenSsl.selfSigned(dir, "enc", "encrypted.it.test", false);
        OpenSsl.command("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", dir.resolve("enc.key").toString(), "-out",
                dir.resolve("enc-encrypted.key").toString(), "-passout", "pass:s3cret");
        String key = "privateKey=@" + dir.resolve("enc-encrypted.key");
        String cert = "certificate=@" + dir.resolve("enc.crt");

        Curl without = curl("-X", "POST", API, "-F", key, "-F", cert);
        assertThat(without.status()).isEqualTo(400);
        assertThat(without.body()).contains("encrypted").contains("passphrase").doesNotContain("s3cret");

        Curl wrong = curl("-X", "POST", API, "-F", key, "-F", cert, "-F", "passphrase=wrong");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("wrong passphrase");

        Curl right = curl("-X", "POST", API, "-F", key, "-F", cert, "-F", "passphrase=s3cret");
        assertThat(right.status()).as(right.body()).isEqualTo(201);
        String id = ((JsonObject) right.answer().json()).getString("id");
        assertThat(Api.send("DELETE", API + "/" + id, null).status()).isEqualTo(204);
    }

    @Test
    void derFileAndMissingPartsAreRefusedWithWhatToDo() throws Exception {
        OpenSsl.selfSigned(dir, "der", "der.it.test", false);
        OpenSsl.command("x509", "-in", dir.resolve("der.crt").toString(), "-outform", "der", "-out",
                dir.resolve("der.cer").toString());

        Curl der = curl("-X", "POST", API, "-F", "privateKey=@" + dir.resolve("der.key"), "-F",
                "certificate=@" + dir.resolve("der.cer"));
        assertThat(der.status()).isEqualTo(400);
        assertThat(der.answer().contentType()).startsWith("application/problem+json");
        assertThat(der.body()).contains("DER").contains("openssl");

        Curl noKey = curl("-X", "POST", API, "-F", "certificate=@" + dir.resolve("der.crt"));
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body()).contains("privateKey");

        Curl unknownField = curl("-X", "POST", API, "-F", "key=@" + dir.resolve("der.key"));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.body()).contains("not a field");
    }

    private record Curl(Api.Answer answer) {
        int status() {
            return answer.status();
        }

        String body() {
            return answer.body();
        }
    }

    /** curl as the admin; the status and content type come back after the body. */
    private static Curl curl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-u", "admin:" + TestBed.ADMIN_PASSWORD, "-w",
                "\n%{http_code} %{content_type}"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        int last = out.lastIndexOf('\n');
        String[] status = out.substring(last + 1).split(" ", 2);
        return new Curl(new Api.Answer(Integer.parseInt(status[0]), status.length > 1 ? status[1] : "",
                out.substring(0, last), null));
    }
}
