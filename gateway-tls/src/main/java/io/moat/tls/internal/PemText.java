package io.moat.tls.internal;

import io.moat.tls.TlsException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.openssl.PEMParser;

/**
 * A PEM text cut into its blocks. Text between blocks (openssl's "Bag Attributes", "subject=" lines) is ignored;
 * each block is decoded on its own, so that a damaged one can be named. Binary DER given where PEM was expected is
 * recognised and answered with the openssl command that converts it.
 */
public final class PemText {

    /** What the text was supposed to hold, for the conversion hint when it is not PEM. */
    public enum Content {
        KEY, CERTIFICATES, KEY_AND_CERTIFICATES
    }

    /** One {@code -----BEGIN type-----} … {@code -----END type-----} block; {@code number} counts from 1. */
    public record Block(String type, int number, String text) {

        /** For messages: {@code the CERTIFICATE block (block 2)}. */
        public String describe() {
            return "the " + type + " block (block " + number + ")";
        }
    }

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([^-]+)-----");
    private static final Pattern END = Pattern.compile("-----END ([^-]+)-----");

    private static final String X509_HINT = "openssl x509 -inform der -in cert.der -out cert.pem";
    private static final String PKEY_HINT = "openssl pkey -inform der -in key.der -out key.pem";
    private static final String PKCS12_HINT = "openssl pkcs12 -in file.p12 -nodes -out tls.pem";

    private PemText() {
    }

    /** The blocks of {@code text}, which {@code what} names in messages ("the key file", "cert.pem"). */
    public static List<Block> blocks(String text, String what, Content content) throws TlsException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (!text.contains("-----BEGIN ")) {
            if (looksLikeDer(text)) {
                throw new TlsException(what + " is DER, not PEM: " + derHint(text, content));
            }
            throw new TlsException(what + " is not PEM: expected '-----BEGIN ...' blocks (convert DER with: "
                    + (content == Content.KEY ? PKEY_HINT : X509_HINT) + ")");
        }
        List<Block> blocks = new ArrayList<>();
        String type = null;
        StringBuilder current = null;
        for (String line : text.split("\r\n|\r|\n")) {
            String trimmed = line.strip();
            Matcher begin = BEGIN.matcher(trimmed);
            Matcher end = END.matcher(trimmed);
            if (type == null) {
                if (begin.matches()) {
                    type = begin.group(1);
                    current = new StringBuilder(trimmed).append('\n');
                }
            } else if (begin.matches()) {
                throw damaged(what, new Block(type, blocks.size() + 1, ""), "has no '-----END " + type + "-----' line");
            } else if (end.matches()) {
                if (!end.group(1).equals(type)) {
                    throw damaged(what, new Block(type, blocks.size() + 1, ""), "ends with '" + trimmed + "'");
                }
                blocks.add(new Block(type, blocks.size() + 1, current.append(trimmed).append('\n').toString()));
                type = null;
            } else {
                current.append(trimmed).append('\n');
            }
        }
        if (type != null) {
            throw damaged(what, new Block(type, blocks.size() + 1, ""), "has no '-----END " + type + "-----' line");
        }
        return blocks;
    }

    /** The block decoded by BouncyCastle's {@link PEMParser}: a key, key pair, certificate holder, … */
    public static Object decode(Block block, String what) throws TlsException {
        Object decoded;
        try (PEMParser parser = new PEMParser(new StringReader(block.text()))) {
            decoded = parser.readObject();
        } catch (IOException | RuntimeException e) {
            // bad base64 surfaces as an unchecked DecoderException, bad ASN.1 as an IOException
            throw new TlsException(what + " is damaged: " + block.describe()
                    + " cannot be decoded (bad base64 or ASN.1); copy it again from the original", e);
        }
        if (decoded == null) {
            throw damaged(what, block, "cannot be decoded");
        }
        return decoded;
    }

    private static TlsException damaged(String what, Block block, String problem) {
        return new TlsException(what + " is damaged: " + block.describe() + " " + problem);
    }

    /** Binary ASN.1: a SEQUENCE tag first, then bytes that no text file holds. */
    private static boolean looksLikeDer(String text) {
        if (text.length() < 2 || text.charAt(0) != 0x30) {
            return false;
        }
        return text.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c > 0x7e);
    }

    /** The openssl command that turns this DER into PEM, told apart by the shape of its outer SEQUENCE. */
    private static String derHint(String text, Content content) {
        String key = "convert it with: " + PKEY_HINT;
        String certificate = "convert it with: " + X509_HINT;
        String either = "convert a certificate with: " + X509_HINT + ", a key with: " + PKEY_HINT;
        String fallback = switch (content) {
            case KEY -> key;
            case CERTIFICATES -> certificate;
            case KEY_AND_CERTIFICATES -> either;
        };
        if (text.chars().anyMatch(c -> c > 0xff)) {
            return fallback; // not the bytes themselves (decoded with a multi-byte charset): no closer look
        }
        ASN1Primitive outer;
        try (ASN1InputStream in = new ASN1InputStream(text.getBytes(StandardCharsets.ISO_8859_1))) {
            outer = in.readObject();
        } catch (IOException | RuntimeException e) {
            return fallback; // not even valid DER: the general hint is all we can give
        }
        if (!(outer instanceof ASN1Sequence sequence) || sequence.size() < 2) {
            return fallback;
        }
        ASN1Encodable first = sequence.getObjectAt(0);
        ASN1Encodable second = sequence.getObjectAt(1);
        if (first instanceof ASN1Integer version && version.hasValue(3) && second instanceof ASN1Sequence) {
            return "it is a PKCS#12 (.p12/.pfx) file; convert it with: " + PKCS12_HINT;
        }
        if (first instanceof ASN1Integer
                || first instanceof ASN1Sequence && sequence.size() == 2 && second instanceof ASN1OctetString) {
            return key; // PKCS#1, SEC1 or PKCS#8 (version first), or an encrypted PKCS#8 key
        }
        if (first instanceof ASN1Sequence && sequence.size() == 3) {
            return certificate; // tbsCertificate, signatureAlgorithm, signature
        }
        return fallback;
    }
}
