package io.moat.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureFilesTest {

    @TempDir
    Path directory;

    @Test
    void createWritesAnOwnerOnlyFile() throws Exception {
        Path file = directory.resolve("key.pem");

        SecureFiles.create(file, bytes("secret"));

        assertThat(file).hasContent("secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(files()).containsExactly(file);
    }

    @Test
    void createLeavesAnExistingFileAlone() throws Exception {
        Path file = directory.resolve("key.pem");
        Files.writeString(file, "the operator's");

        assertThatThrownBy(() -> SecureFiles.create(file, bytes("generated")))
                .isInstanceOf(FileAlreadyExistsException.class);

        assertThat(file).hasContent("the operator's");
        assertThat(files()).containsExactly(file); // no temporary file left behind
    }

    @Test
    void replaceOverwritesAndTightensPermissions() throws Exception {
        Path file = directory.resolve("store.p12");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        SecureFiles.replace(file, bytes("new"));

        assertThat(file).hasContent("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(files()).containsExactly(file);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
