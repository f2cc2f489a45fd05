package io.moat.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    private static final byte[] SECRET = "-----BEGIN PRIVATE KEY-----\nMIIE...".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path directory;

    @Test
    void roundTrip() throws Exception {
        SecretBox box = SecretBox.loadOrCreate(directory.resolve("secret.key"));

        String sealed = box.seal(SECRET, "certificate-1");

        assertThat(sealed).startsWith("v1:").doesNotContain("PRIVATE");
        assertThat(Base64.getDecoder().decode(sealed.substring(3))).hasSize(12 + SECRET.length + 16);
        assertThat(box.open(sealed, "certificate-1")).isEqualTo(SECRET);
        assertThat(box.seal(SECRET, "certificate-1")).isNotEqualTo(sealed); // a fresh IV each time
    }

    @Test
    void theKeyFileIsCreatedOwnerOnlyAndReusedAfterwards() throws Exception {
        Path keyFile = directory.resolve("secret.key");
        String sealed = SecretBox.loadOrCreate(keyFile).seal(SECRET, "c");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(keyFile).strip())).hasSize(32);
        assertThat(SecretBox.loadOrCreate(keyFile).open(sealed, "c")).isEqualTo(SECRET);
    }

    @Test
    void anotherContextDoesNotOpen() throws Exception {
        SecretBox box = SecretBox.loadOrCreate(directory.resolve("secret.key"));
        String sealed = box.seal(SECRET, "certificate-1");

        assertThatThrownBy(() -> box.open(sealed, "certificate-2")).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void anotherKeyDoesNotOpen() throws Exception {
        String sealed = SecretBox.loadOrCreate(directory.resolve("a.key")).seal(SECRET, "c");
        SecretBox other = SecretBox.loadOrCreate(directory.resolve("b.key"));

        assertThatThrownBy(() -> other.open(sealed, "c")).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void tamperingIsNoticed() throws Exception {
        SecretBox box = SecretBox.loadOrCreate(directory.resolve("secret.key"));
        byte[] bytes = Base64.getDecoder().decode(box.seal(SECRET, "c").substring(3));
        bytes[20] ^= 1;
        String tampered = "v1:" + Base64.getEncoder().encodeToString(bytes);

        assertThatThrownBy(() -> box.open(tampered, "c")).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void notASealedValue() throws Exception {
        SecretBox box = SecretBox.loadOrCreate(directory.resolve("secret.key"));

        assertThatThrownBy(() -> box.open("plain text", "c")).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> box.open("v1:AAAA", "c")).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> box.open("v1:not base64!", "c")).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aKeyFileOfTheWrongLengthIsRefused() throws Exception {
        Path keyFile = directory.resolve("secret.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[16]));

        assertThatThrownBy(() -> SecretBox.loadOrCreate(keyFile)).isInstanceOf(IOException.class)
                .hasMessageContaining("16 bytes instead of 32");
        assertThat(Files.readString(keyFile)).isEqualTo(Base64.getEncoder().encodeToString(new byte[16]));
    }

    @Test
    void aKeyFileThatIsNotBase64IsRefused() throws Exception {
        Path keyFile = directory.resolve("secret.key");
        Files.writeString(keyFile, "this is not a key");

        assertThatThrownBy(() -> SecretBox.loadOrCreate(keyFile)).isInstanceOf(IOException.class)
                .hasMessageContaining("not base64");
    }
}
