package io.moat.web.internal;

import io.moat.settings.certificates.CertificateInput;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What the console's certificate form was given (uploaded files, pasted PEM texts), turned into the
 * {@link CertificateInput} the certificate store validates; and which part of the form a refusal of the store concerns.
 * Uploads are kept for the next try, since a browser cannot fill a file field again after a refused attempt.
 *
 * <p>Only the shape of the form is decided here (which texts are the key, the chain or the combined PEM); whether they
 * are a usable key and chain is the store's to say.
 */
public final class CertificateFormInput implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Larger than any key or certificate chain in PEM; the same limit as the REST API's multipart form. */
    public static final int MAX_UPLOAD_BYTES = 256 * 1024;

    /** The fields of the form that a problem is shown next to (a file field and the box for pasting, together). */
    public enum Field {
        KEY, CHAIN, COMBINED
    }

    /** A file the admin uploaded: its name as the browser sent it, and its bytes as text. */
    public record Upload(String fileName, String text) implements Serializable {

        /**
         * The bytes as ISO-8859-1: PEM is ASCII, and binary DER keeps its bytes, so the store can tell what it is
         * and say how to convert it.
         */
        public static Upload of(String fileName, byte[] content) throws Incomplete {
            String name = fileName == null || fileName.isBlank() ? "the uploaded file" : fileName;
            if (content.length > MAX_UPLOAD_BYTES) {
                throw new Incomplete(null, "'" + name + "' is larger than " + MAX_UPLOAD_BYTES / 1024
                        + " KiB; a key or certificate chain in PEM is far smaller. Choose the PEM file.");
            }
            return new Upload(name, new String(content, StandardCharsets.ISO_8859_1));
        }

        @Override
        public String toString() {
            return "Upload[" + fileName + "]"; // never the text: it may be a private key
        }
    }

    /** This try's texts for one part of the form: a file uploaded now, and the text pasted into its box. */
    public record Given(Upload upload, String pasted) {

        public static final Given NOTHING = new Given(null, null);

        boolean uploaded() {
            return upload != null;
        }

        boolean pastedText() {
            return pasted != null && !pasted.isBlank();
        }

        boolean any() {
            return uploaded() || pastedText();
        }
    }

    /** The form's texts do not make up a key and a chain; {@link #field()} is where to show it. */
    public static final class Incomplete extends Exception {

        private static final long serialVersionUID = 1L;

        private final Field field;

        public Incomplete(Field field, String message) {
            super(message);
            this.field = field;
        }

        /** Where to show the message; {@code null} when the caller knows (e.g. the file field it read). */
        public Field field() {
            return field;
        }
    }

    private Upload keptKey;
    private Upload keptChain;
    private Upload keptCombined;
    /** Where the text given as the combined PEM came from in the last try; {@code null} for a key and a chain. */
    private Field combinedFrom;

    /**
     * This try's input. A file uploaded now replaces the one kept from the last try, and so does a pasted text;
     * a file and a pasted text for the same part at once are refused. Giving the combined file now drops the kept key
     * and chain, and the other way round. A key or chain text alone that holds both the key and certificates counts
     * as the combined PEM; otherwise the half it lacks is asked for.
     */
    public CertificateInput input(String name, Given key, Given chain, Upload combined, char[] passphrase)
            throws Incomplete {
        if (key.uploaded() && key.pastedText()) {
            throw new Incomplete(Field.KEY, "Either upload the key file or paste the key, not both: empty the"
                    + " box or choose no file.");
        }
        if (chain.uploaded() && chain.pastedText()) {
            throw new Incomplete(Field.CHAIN, "Either upload the certificate chain file or paste the chain, not both:"
                    + " empty the box or choose no file.");
        }
        if (combined != null && (key.any() || chain.any())) {
            throw new Incomplete(Field.COMBINED, "Give either one combined PEM file or the key and the chain, not"
                    + " both: choose no combined file, or empty the key and chain fields.");
        }
        if (combined != null || key.any() || chain.any()) {
            keptKey = key.any() ? key.upload() : combined != null ? null : keptKey;
            keptChain = chain.any() ? chain.upload() : combined != null ? null : keptChain;
            keptCombined = combined != null ? combined : null;
        }
        String keyText = key.pastedText() ? key.pasted() : text(keptKey);
        String chainText = chain.pastedText() ? chain.pasted() : text(keptChain);
        combinedFrom = null;
        if (keptCombined != null) {
            combinedFrom = Field.COMBINED;
            return new CertificateInput(name, null, null, keptCombined.text(), passphrase);
        }
        if (keyText == null && chainText == null) {
            throw new Incomplete(Field.CHAIN, "Give the certificate: upload the private key file and the"
                    + " certificate chain file, or one combined PEM file, or paste the key and the chain.");
        }
        if (keyText == null || chainText == null) {
            Field given = keyText != null ? Field.KEY : Field.CHAIN;
            String text = keyText != null ? keyText : chainText;
            boolean holdsKey = text.contains("PRIVATE KEY-----");
            boolean holdsCertificate = text.contains("CERTIFICATE-----");
            if (holdsKey && holdsCertificate) {
                combinedFrom = given;
                return new CertificateInput(name, null, null, text, passphrase);
            }
            throw holdsKey || !holdsCertificate && given == Field.KEY
                    ? new Incomplete(Field.CHAIN, "The certificate chain is missing: upload the chain file or paste"
                            + " the chain (the certificate first, then its intermediates).")
                    : new Incomplete(Field.KEY, "The private key is missing: upload the key file or paste the key,"
                            + " or give one combined PEM file holding the key and the chain.");
        }
        return new CertificateInput(name, keyText, chainText, null, passphrase);
    }

    /**
     * The part of the form that a refusal of the store concerns, for the last {@link #input}: the part that held the
     * combined PEM; else the key for problems of the key file or the key itself; else (a mismatch, the certificates,
     * or unclear) the chain.
     */
    public Field fieldOf(String refusal) {
        if (combinedFrom != null) {
            return combinedFrom;
        }
        String message = refusal == null ? "" : refusal.toLowerCase(Locale.ROOT);
        if (message.startsWith("the key file") || message.contains("passphrase")) {
            return Field.KEY;
        }
        if (message.startsWith("the private key") && !message.contains("does not match")) {
            return Field.KEY;
        }
        return Field.CHAIN;
    }

    /** The store's refusal, with what to do in this form where its words are those of the server settings. */
    public static String explain(String refusal) {
        if (refusal != null && refusal.contains("passphrase")) {
            return refusal + ". In this form the passphrase goes into Key passphrase: type it there and send the form"
                    + " again.";
        }
        return refusal;
    }

    public Upload keptKey() {
        return keptKey;
    }

    public Upload keptChain() {
        return keptChain;
    }

    public Upload keptCombined() {
        return keptCombined;
    }

    /** Forgets the kept uploads (after the pair was stored, or when the admin starts over). */
    public void clear() {
        keptKey = null;
        keptChain = null;
        keptCombined = null;
        combinedFrom = null;
    }

    private static String text(Upload upload) {
        return upload == null ? null : upload.text();
    }
}
