package io.moat.devtools;

/** The traditional PKWARE ("ZipCrypto") stream cipher, decrypting side. */
final class ZipCrypto {

    private static final int[] CRC_TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            CRC_TABLE[n] = c;
        }
    }

    private int key0 = 0x12345678;
    private int key1 = 0x23456789;
    private int key2 = 0x34567890;

    /** A cipher whose three keys are initialised from {@code password}. */
    ZipCrypto(byte[] password) {
        for (byte b : password) {
            update(b & 0xff);
        }
    }

    /** Decrypts {@code len} bytes of {@code in} from {@code off} into a new array. */
    byte[] decrypt(byte[] in, int off, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            int plain = (in[off + i] ^ streamByte()) & 0xff;
            update(plain);
            out[i] = (byte) plain;
        }
        return out;
    }

    private int streamByte() {
        int temp = (key2 | 2) & 0xffff;
        return ((temp * (temp ^ 1)) >>> 8) & 0xff;
    }

    private void update(int plain) {
        key0 = crc32(key0, plain);
        key1 = (key1 + (key0 & 0xff)) * 134775813 + 1;
        key2 = crc32(key2, key1 >>> 24);
    }

    private static int crc32(int crc, int b) {
        return (crc >>> 8) ^ CRC_TABLE[(crc ^ b) & 0xff];
    }
}
