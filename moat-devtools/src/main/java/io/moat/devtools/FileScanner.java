package io.moat.devtools;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipInputStream;

/**
 * The emulator's "engine": EICAR anywhere in the bytes or in a ZIP entry is infected; a ZIP entry encrypted with
 * ZipCrypto (or anything else) that none of the given passwords opens makes the archive an encrypted archive.
 */
final class FileScanner {

    /** The EICAR anti-virus test string (split so that this source file is not itself a test virus). */
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private static final Logger LOG = Logger.getLogger(FileScanner.class.getName());
    private static final byte[] EICAR_BYTES = EICAR.getBytes(StandardCharsets.US_ASCII);
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final int MAX_DEPTH = 4;
    private static final int MAX_ENTRY_SIZE = 64 * 1024 * 1024;
    private static final Charset CP437 = Charset.isSupported("IBM437")
            ? Charset.forName("IBM437")
            : StandardCharsets.ISO_8859_1;

    /** What the central directory says about one entry. */
    private record Entry(int flags, int method, int crc, int compressedSize, int localHeader) {
        boolean encrypted() {
            return (flags & 1) != 0;
        }
    }

    private FileScanner() {
    }

    /** The verdict for {@code data}, trying {@code passwords} on encrypted ZIP entries. */
    static Verdict scan(byte[] data, List<String> passwords) {
        return scan(data, passwords, 0);
    }

    private static Verdict scan(byte[] data, List<String> passwords, int depth) {
        if (indexOf(data, EICAR_BYTES) >= 0) {
            return Verdict.INFECTED;
        }
        if (depth >= MAX_DEPTH || data.length < 30 || u32(data, 0) != LOCAL_HEADER) {
            return Verdict.CLEAN;
        }
        List<Entry> entries = centralDirectory(data);
        if (entries.isEmpty() && (u16(data, 6) & 1) != 0) {
            return Verdict.ENCRYPTED; // no readable central directory, but the first entry says it is encrypted
        }
        if (entries.stream().anyMatch(Entry::encrypted)) {
            return scanEntries(data, entries, passwords, depth);
        }
        Verdict verdict = Verdict.CLEAN;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(data), StandardCharsets.ISO_8859_1)) {
            while (in.getNextEntry() != null) {
                verdict = verdict.worst(scan(in.readNBytes(MAX_ENTRY_SIZE), passwords, depth + 1));
            }
            return verdict;
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.FINE, "ZipInputStream cannot read the archive; reading it by its central directory", e);
            return verdict.worst(scanEntries(data, entries, passwords, depth));
        }
    }

    private static Verdict scanEntries(byte[] zip, List<Entry> entries, List<String> passwords, int depth) {
        Verdict verdict = Verdict.CLEAN;
        for (Entry entry : entries) {
            byte[] raw = rawData(zip, entry);
            byte[] content;
            if (entry.encrypted()) {
                content = raw == null ? null : decrypt(zip, entry, raw, passwords);
                if (content == null) {
                    verdict = verdict.worst(Verdict.ENCRYPTED);
                    continue;
                }
            } else {
                content = raw == null ? null : uncompress(entry.method(), raw);
            }
            if (content != null) {
                verdict = verdict.worst(scan(content, passwords, depth + 1));
            }
        }
        return verdict;
    }

    /**
     * The plain content of an encrypted entry, or {@code null} when no password opens it. A password is right when
     * the last byte of the decrypted 12-byte encryption header matches the high byte of the CRC-32 in the local
     * header (of the last-modified time with flag bit 3) and the decrypted, uncompressed data has the entry's CRC.
     */
    private static byte[] decrypt(byte[] zip, Entry entry, byte[] raw, List<String> passwords) {
        if (raw.length < 12) {
            return null;
        }
        int local = entry.localHeader();
        int check = (u16(zip, local + 6) & 8) != 0 ? u16(zip, local + 10) >>> 8 : u32(zip, local + 14) >>> 24;
        for (String password : passwords) {
            List<byte[]> encodings = new ArrayList<>(List.of(password.getBytes(StandardCharsets.UTF_8)));
            byte[] legacy = password.getBytes(CP437);
            if (!Arrays.equals(legacy, encodings.get(0))) {
                encodings.add(legacy);
            }
            for (byte[] key : encodings) {
                ZipCrypto cipher = new ZipCrypto(key);
                if ((cipher.decrypt(raw, 0, 12)[11] & 0xff) != check) {
                    continue;
                }
                byte[] content = uncompress(entry.method(), cipher.decrypt(raw, 12, raw.length - 12));
                if (content != null && crc(content) == entry.crc()) {
                    return content;
                }
            }
        }
        return null;
    }

    private static byte[] uncompress(int method, byte[] data) {
        if (method == 0) {
            return data;
        }
        if (method != 8) {
            return null;
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 2);
            byte[] buffer = new byte[8192];
            while (!inflater.finished() && out.size() < MAX_ENTRY_SIZE) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            LOG.log(Level.FINE, "not deflate data (wrong password or damaged entry)", e);
            return null;
        } finally {
            inflater.end();
        }
    }

    /** The stored (compressed, maybe encrypted) bytes of an entry, or {@code null} when the archive is damaged. */
    private static byte[] rawData(byte[] zip, Entry entry) {
        int local = entry.localHeader();
        if (local < 0 || local > zip.length - 30 || u32(zip, local) != LOCAL_HEADER) {
            return null;
        }
        long start = (long) local + 30 + u16(zip, local + 26) + u16(zip, local + 28);
        long end = start + entry.compressedSize();
        return entry.compressedSize() < 0 || end > zip.length ? null : Arrays.copyOfRange(zip, (int) start, (int) end);
    }

    /** The entries listed in the central directory; empty when there is none or it is damaged. */
    private static List<Entry> centralDirectory(byte[] zip) {
        int end = -1;
        for (int i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
            if (u32(zip, i) == END_OF_CENTRAL_DIRECTORY) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return List.of();
        }
        int count = u16(zip, end + 10);
        long pos = u32(zip, end + 16) & 0xffffffffL;
        List<Entry> entries = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            if (pos > zip.length - 46 || u32(zip, (int) pos) != CENTRAL_HEADER) {
                return List.of();
            }
            int p = (int) pos;
            entries.add(new Entry(u16(zip, p + 8), u16(zip, p + 10), u32(zip, p + 16), u32(zip, p + 20),
                    u32(zip, p + 42)));
            pos += 46L + u16(zip, p + 28) + u16(zip, p + 30) + u16(zip, p + 32);
        }
        return entries;
    }

    private static int crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return (int) crc.getValue();
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    private static int u32(byte[] b, int off) {
        return u16(b, off) | u16(b, off + 2) << 16;
    }

    /**
     * Where {@code pattern} first occurs in {@code data}, or -1 (Horspool's search: a mismatch moves on by up to the
     * pattern's length, so a 1 MB attachment costs tens of thousands of comparisons for EICAR, not a million).
     */
    static int indexOf(byte[] data, byte[] pattern) {
        int m = pattern.length;
        if (m == 0) {
            return 0;
        }
        int[] shift = new int[256];
        Arrays.fill(shift, m);
        for (int k = 0; k < m - 1; k++) {
            shift[pattern[k] & 0xff] = m - 1 - k;
        }
        for (int i = 0; i <= data.length - m; i += shift[data[i + m - 1] & 0xff]) {
            int j = m - 1;
            while (j >= 0 && data[i + j] == pattern[j]) {
                j--;
            }
            if (j < 0) {
                return i;
            }
        }
        return -1;
    }
}
