package io.moat.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class FileScannerTest {

    private static final byte[] EICAR = CoreEmulator.EICAR.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLEAN = "just a harmless text file\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void eicarAnywhereIsInfected() {
        assertThat(FileScanner.scan(CLEAN, List.of())).isEqualTo(Verdict.CLEAN);
        assertThat(FileScanner.scan(EICAR, List.of())).isEqualTo(Verdict.INFECTED);
        byte[] embedded = ("prefix " + CoreEmulator.EICAR + " suffix").getBytes(StandardCharsets.US_ASCII);
        assertThat(FileScanner.scan(embedded, List.of())).isEqualTo(Verdict.INFECTED);
        assertThat(FileScanner.scan(new byte[0], List.of())).isEqualTo(Verdict.CLEAN);
    }

    @Test
    void indexOfFindsThePatternWhereverItStands() {
        byte[] data = new byte[4096];
        new java.util.Random(42).nextBytes(data);
        for (int at : new int[]{0, 1, 1000, data.length - EICAR.length - 1, data.length - EICAR.length}) {
            byte[] copy = data.clone();
            System.arraycopy(EICAR, 0, copy, at, EICAR.length);
            assertThat(FileScanner.indexOf(copy, EICAR)).as("EICAR at %d", at).isEqualTo(at);
        }
        byte[] cut = data.clone();
        System.arraycopy(EICAR, 0, cut, data.length - EICAR.length + 1, EICAR.length - 1);
        assertThat(FileScanner.indexOf(cut, EICAR)).as("all but its last byte at the end").isEqualTo(-1);
        byte[] twice = "abcabcabd abcabd".getBytes(StandardCharsets.US_ASCII);
        assertThat(FileScanner.indexOf(twice, "abcabd".getBytes(StandardCharsets.US_ASCII))).isEqualTo(3);
        assertThat(FileScanner.indexOf(twice, "abd ".getBytes(StandardCharsets.US_ASCII))).isEqualTo(6);
        assertThat(FileScanner.indexOf(twice, "abe".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        assertThat(FileScanner.indexOf(new byte[3], EICAR)).as("shorter than the pattern").isEqualTo(-1);
        assertThat(FileScanner.indexOf(data, data)).isZero();
    }

    @Test
    void plainZipEntriesAreScannedAfterInflating() throws IOException {
        byte[] infected = zip("eicar.com", EICAR);
        assertThat(FileScanner.indexOf(infected, EICAR)).as("deflated, so not visible in the raw bytes").isEqualTo(-1);
        assertThat(FileScanner.scan(infected, List.of())).isEqualTo(Verdict.INFECTED);
        assertThat(FileScanner.scan(zip("a.txt", CLEAN), List.of())).isEqualTo(Verdict.CLEAN);
        assertThat(FileScanner.scan(zip("inner.zip", infected), List.of())).isEqualTo(Verdict.INFECTED);
    }

    @Test
    void encryptedEntryWithoutTheRightPasswordIsAnEncryptedArchive() {
        byte[] zip = new ZipFixtures().encrypted("eicar.com", EICAR, "right", false, false).build();
        assertThat(FileScanner.scan(zip, List.of())).isEqualTo(Verdict.ENCRYPTED);
        assertThat(FileScanner.scan(zip, List.of("wrong"))).isEqualTo(Verdict.ENCRYPTED);
        assertThat(FileScanner.scan(zip, List.of("wrong", "also wrong", ""))).isEqualTo(Verdict.ENCRYPTED);
    }

    @Test
    void theRightPasswordOpensTheEntryForScanning() {
        byte[] infected = new ZipFixtures().encrypted("eicar.com", EICAR, "right", false, false).build();
        assertThat(FileScanner.scan(infected, List.of("right"))).isEqualTo(Verdict.INFECTED);
        assertThat(FileScanner.scan(infected, List.of("wrong", "right"))).isEqualTo(Verdict.INFECTED);
        byte[] clean = new ZipFixtures().encrypted("a.txt", CLEAN, "right", false, false).build();
        assertThat(FileScanner.scan(clean, List.of("right"))).isEqualTo(Verdict.CLEAN);
        assertThat(FileScanner.scan(clean, List.of("wrong"))).isEqualTo(Verdict.ENCRYPTED);
    }

    @Test
    void deflatedEntryWithDataDescriptorIsCheckedAgainstTheTimeByte() {
        byte[] zip = new ZipFixtures().encrypted("eicar.com", EICAR, "pässwörd", true, true).build();
        assertThat(FileScanner.scan(zip, List.of("passwort"))).isEqualTo(Verdict.ENCRYPTED);
        assertThat(FileScanner.scan(zip, List.of("pässwörd"))).isEqualTo(Verdict.INFECTED);
        byte[] clean = new ZipFixtures().encrypted("a.txt", CLEAN, "pw", true, true).build();
        assertThat(FileScanner.scan(clean, List.of("pw"))).isEqualTo(Verdict.CLEAN);
    }

    @Test
    void everyEncryptedEntryNeedsAPassword() {
        byte[] zip = new ZipFixtures()
                .plain("readme.txt", CLEAN)
                .encrypted("one.txt", CLEAN, "one", false, false)
                .encrypted("two.txt", CLEAN, "two", true, false)
                .build();
        assertThat(FileScanner.scan(zip, List.of("one"))).isEqualTo(Verdict.ENCRYPTED);
        assertThat(FileScanner.scan(zip, List.of("two"))).isEqualTo(Verdict.ENCRYPTED);
        assertThat(FileScanner.scan(zip, List.of("two", "one"))).isEqualTo(Verdict.CLEAN);
        byte[] infected = new ZipFixtures()
                .encrypted("locked.txt", CLEAN, "secret", false, false)
                .encrypted("eicar.com", EICAR, "other", true, false)
                .build();
        assertThat(FileScanner.scan(infected, List.of("secret"))).isEqualTo(Verdict.ENCRYPTED);
        assertThat(FileScanner.scan(infected, List.of("secret", "other"))).isEqualTo(Verdict.INFECTED);
    }

    private static byte[] zip(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content);
            zip.closeEntry();
        }
        return out.toByteArray();
    }
}
