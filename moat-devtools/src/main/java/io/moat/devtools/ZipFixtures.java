package io.moat.devtools;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes small ZIP files by hand, entries optionally encrypted with the traditional PKWARE cipher (ZipCrypto), so
 * that tests (here and end to end) do not depend on the emulator's own decrypting code.
 */
public final class ZipFixtures {

    /** DOS time 13:25:40; its high byte is the check byte of entries with a data descriptor. */
    public static final int DOS_TIME = 0x6B34;
    private static final int DOS_DATE = 0x5A21;

    private record Item(String name, byte[] content, String password, boolean deflate, boolean descriptor) {
    }

    private final List<Item> items = new ArrayList<>();
    private final Random random = new Random(42);

    /** Adds a stored, unencrypted entry. */
    public ZipFixtures plain(String name, byte[] content) {
        items.add(new Item(name, content, null, false, false));
        return this;
    }

    /** Adds an entry encrypted with {@code password}; deflated and/or with a data descriptor (flag bit 3). */
    public ZipFixtures encrypted(String name, byte[] content, String password, boolean deflate, boolean descriptor) {
        items.add(new Item(name, content, password, deflate, descriptor));
        return this;
    }

    public byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Item item : items) {
            int offset = out.size();
            CRC32 crc32 = new CRC32();
            crc32.update(item.content());
            int crc = (int) crc32.getValue();
            byte[] data = item.deflate() ? deflate(item.content()) : item.content();
            int flags = (item.password() != null ? 1 : 0) | (item.descriptor() ? 8 : 0);
            if (item.password() != null) {
                Encryptor enc = new Encryptor(item.password().getBytes(StandardCharsets.UTF_8));
                byte[] header = new byte[12];
                random.nextBytes(header);
                header[11] = (byte) (item.descriptor() ? DOS_TIME >>> 8 : crc >>> 24);
                ByteArrayOutputStream encrypted = new ByteArrayOutputStream();
                for (byte b : header) {
                    encrypted.write(enc.encrypt(b & 0xff));
                }
                for (byte b : data) {
                    encrypted.write(enc.encrypt(b & 0xff));
                }
                data = encrypted.toByteArray();
            }
            byte[] name = item.name().getBytes(StandardCharsets.UTF_8);
            int method = item.deflate() ? 8 : 0;
            boolean known = !item.descriptor();
            u32(out, 0x04034b50);
            u16(out, 20);
            u16(out, flags);
            u16(out, method);
            u16(out, DOS_TIME);
            u16(out, DOS_DATE);
            u32(out, known ? crc : 0);
            u32(out, known ? data.length : 0);
            u32(out, known ? item.content().length : 0);
            u16(out, name.length);
            u16(out, 0);
            out.writeBytes(name);
            out.writeBytes(data);
            if (item.descriptor()) {
                u32(out, 0x08074b50);
                u32(out, crc);
                u32(out, data.length);
                u32(out, item.content().length);
            }
            u32(central, 0x02014b50);
            u16(central, 20);
            u16(central, 20);
            u16(central, flags);
            u16(central, method);
            u16(central, DOS_TIME);
            u16(central, DOS_DATE);
            u32(central, crc);
            u32(central, data.length);
            u32(central, item.content().length);
            u16(central, name.length);
            u16(central, 0);
            u16(central, 0);
            u16(central, 0);
            u16(central, 0);
            u32(central, 0);
            u32(central, offset);
            central.writeBytes(name);
        }
        int centralOffset = out.size();
        out.writeBytes(central.toByteArray());
        u32(out, 0x06054b50);
        u16(out, 0);
        u16(out, 0);
        u16(out, items.size());
        u16(out, items.size());
        u32(out, central.size());
        u32(out, centralOffset);
        u16(out, 0);
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] content) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(content);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        u16(out, v & 0xffff);
        u16(out, v >>> 16);
    }

    /** ZipCrypto, encrypting side, with a bit-by-bit CRC step (the emulator uses a table). */
    private static final class Encryptor {
        private int key0 = 0x12345678;
        private int key1 = 0x23456789;
        private int key2 = 0x34567890;

        Encryptor(byte[] password) {
            for (byte b : password) {
                update(b & 0xff);
            }
        }

        int encrypt(int plain) {
            int temp = (key2 | 2) & 0xffff;
            int cipher = plain ^ (((temp * (temp ^ 1)) >>> 8) & 0xff);
            update(plain);
            return cipher;
        }

        private void update(int plain) {
            key0 = crcStep(key0, plain);
            key1 = (key1 + (key0 & 0xff)) * 134775813 + 1;
            key2 = crcStep(key2, key1 >>> 24);
        }

        private static int crcStep(int crc, int b) {
            int c = (crc ^ b) & 0xff;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            return (crc >>> 8) ^ c;
        }
    }
}
