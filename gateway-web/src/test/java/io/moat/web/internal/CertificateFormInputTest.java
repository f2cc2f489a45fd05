package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.certificates.CertificateInput;
import io.moat.web.internal.CertificateFormInput.Field;
import io.moat.web.internal.CertificateFormInput.Given;
import io.moat.web.internal.CertificateFormInput.Incomplete;
import io.moat.web.internal.CertificateFormInput.Upload;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CertificateFormInputTest {

    private static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
    private static final String CHAIN = "-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----\n";

    private final CertificateFormInput form = new CertificateFormInput();

    @Test
    void uploadedKeyAndChainFilesBecomeThePair() throws Incomplete {
        CertificateInput input = form.input("mail", uploaded("key.pem", KEY), uploaded("chain.pem", CHAIN), null,
                "pw".toCharArray());

        assertThat(input.name()).isEqualTo("mail");
        assertThat(input.privateKeyPem()).isEqualTo(KEY);
        assertThat(input.certificatePem()).isEqualTo(CHAIN);
        assertThat(input.combinedPem()).isNull();
        assertThat(input.passphrase()).containsExactly('p', 'w');
    }

    @Test
    void pastedKeyAndChainBecomeThePair() throws Incomplete {
        CertificateInput input = form.input(null, pasted(KEY), pasted(CHAIN), null, null);

        assertThat(input.privateKeyPem()).isEqualTo(KEY);
        assertThat(input.certificatePem()).isEqualTo(CHAIN);
        assertThat(form.keptKey()).isNull();
    }

    @Test
    void combinedFileIsThePem() throws Incomplete {
        CertificateInput input = form.input(null, Given.NOTHING, Given.NOTHING, upload("tls.pem", KEY + CHAIN), null);

        assertThat(input.combinedPem()).isEqualTo(KEY + CHAIN);
        assertThat(input.privateKeyPem()).isNull();
        assertThat(form.fieldOf("the private key does not match the certificate CN=x")).isEqualTo(Field.COMBINED);
    }

    @Test
    void keyAndChainPastedTogetherIntoOneBoxCountAsCombined() throws Incomplete {
        CertificateInput input = form.input(null, Given.NOTHING, pasted(CHAIN + KEY), null, null);

        assertThat(input.combinedPem()).isEqualTo(CHAIN + KEY);
        assertThat(form.fieldOf("the PEM text holds no private key")).isEqualTo(Field.CHAIN);
    }

    @Test
    void missingHalfIsNamed() {
        assertThatThrownBy(() -> form.input(null, pasted(KEY), Given.NOTHING, null, null))
                .isInstanceOfSatisfying(Incomplete.class, e -> assertThat(e.field()).isEqualTo(Field.CHAIN))
                .hasMessageContaining("certificate chain is missing");
        assertThatThrownBy(() -> form.input(null, Given.NOTHING, uploaded("chain.pem", CHAIN), null, null))
                .isInstanceOfSatisfying(Incomplete.class, e -> assertThat(e.field()).isEqualTo(Field.KEY))
                .hasMessageContaining("private key is missing");
        assertThatThrownBy(() -> form.input(null, Given.NOTHING, pasted(KEY), null, null))
                .isInstanceOfSatisfying(Incomplete.class, e -> assertThat(e.field()).isEqualTo(Field.CHAIN))
                .hasMessageContaining("certificate chain is missing");
        assertThatThrownBy(() -> form.input(null, pasted(CHAIN), Given.NOTHING, null, null))
                .isInstanceOfSatisfying(Incomplete.class, e -> assertThat(e.field()).isEqualTo(Field.KEY))
                .hasMessageContaining("private key is missing");
        assertThatThrownBy(() -> new CertificateFormInput().input("x", new Given(null, "  "), Given.NOTHING, null,
                null)).isInstanceOfSatisfying(Incomplete.class, e -> assertThat(e.field()).isEqualTo(Field.CHAIN))
                .hasMessageContaining("Give the certificate");
    }

    @Test
    void fileAndPasteForTheSamePartOrCombinedWithAPairAreRefused() {
        assertThatThrownBy(() -> form.input(null, new Given(upload("key.pem", KEY), KEY), pasted(CHAIN), null, null))
                .isInstanceOfSatisfying(Incomplete.class, e -> assertThat(e.field()).isEqualTo(Field.KEY));
        assertThatThrownBy(() -> form.input(null, pasted(KEY), new Given(upload("c.pem", CHAIN), CHAIN), null, null))
                .isInstanceOfSatisfying(Incomplete.class, e -> assertThat(e.field()).isEqualTo(Field.CHAIN));
        assertThatThrownBy(() -> form.input(null, pasted(KEY), Given.NOTHING, upload("tls.pem", KEY + CHAIN), null))
                .isInstanceOfSatisfying(Incomplete.class, e -> assertThat(e.field()).isEqualTo(Field.COMBINED));
    }

    @Test
    void uploadsAreKeptForTheNextTryUntilReplacedOrCleared() throws Incomplete {
        form.input("mail", uploaded("key.pem", KEY), uploaded("chain.pem", CHAIN), null, null);

        CertificateInput again = form.input("mail", Given.NOTHING, Given.NOTHING, null, "pw".toCharArray());
        assertThat(again.privateKeyPem()).isEqualTo(KEY);
        assertThat(again.certificatePem()).isEqualTo(CHAIN);
        assertThat(form.keptKey().fileName()).isEqualTo("key.pem");

        CertificateInput otherChain = form.input("mail", Given.NOTHING, pasted("other " + CHAIN), null, null);
        assertThat(otherChain.privateKeyPem()).isEqualTo(KEY);
        assertThat(otherChain.certificatePem()).isEqualTo("other " + CHAIN);
        assertThat(form.keptChain()).isNull();

        CertificateInput combined = form.input(null, Given.NOTHING, Given.NOTHING, upload("tls.pem", KEY + CHAIN),
                null);
        assertThat(combined.combinedPem()).isEqualTo(KEY + CHAIN);
        assertThat(form.keptKey()).isNull();
        assertThat(form.keptCombined().fileName()).isEqualTo("tls.pem");

        form.clear();
        assertThatThrownBy(() -> form.input(null, Given.NOTHING, Given.NOTHING, null, null))
                .isInstanceOf(Incomplete.class);
    }

    @Test
    void refusalsGoNextToTheKeyOrElseTheChain() throws Incomplete {
        form.input(null, pasted(KEY), pasted(CHAIN), null, null);

        assertThat(form.fieldOf("the key file is DER, not PEM: convert it with: openssl pkey")).isEqualTo(Field.KEY);
        assertThat(form.fieldOf("the private key could not be decrypted: wrong passphrase")).isEqualTo(Field.KEY);
        assertThat(form.fieldOf("the private key is encrypted and no passphrase was given")).isEqualTo(Field.KEY);
        assertThat(form.fieldOf("the certificate file holds no certificate")).isEqualTo(Field.CHAIN);
        assertThat(form.fieldOf("the private key does not match the certificate CN=mail")).isEqualTo(Field.CHAIN);
        assertThat(form.fieldOf("certificate CN=mail expired on 2020-01-01; renew it")).isEqualTo(Field.CHAIN);
        assertThat(form.fieldOf("something else")).isEqualTo(Field.CHAIN);
    }

    @Test
    void passphraseRefusalsSayWhereToTypeIt() {
        assertThat(CertificateFormInput.explain("the private key could not be decrypted: wrong passphrase (x)"))
                .endsWith("the passphrase goes into Key passphrase: type it there and send the form again.");
        assertThat(CertificateFormInput.explain("the certificate file holds no certificate"))
                .isEqualTo("the certificate file holds no certificate");
    }

    @Test
    void uploadKeepsTheBytesOfBinaryFilesAndRefusesHugeOnes() throws Incomplete {
        byte[] der = {0x30, (byte) 0x82, 0x01, (byte) 0xff};
        assertThat(Upload.of("cert.der", der).text().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(der);
        assertThat(Upload.of(null, new byte[0]).fileName()).isEqualTo("the uploaded file");
        assertThat(Upload.of("key.pem", KEY.getBytes(StandardCharsets.US_ASCII)).toString()).doesNotContain("MIIE");
        assertThatThrownBy(() -> Upload.of("big.pem", new byte[CertificateFormInput.MAX_UPLOAD_BYTES + 1]))
                .hasMessageContaining("'big.pem' is larger than 256 KiB");
    }

    private static Given uploaded(String fileName, String text) throws Incomplete {
        return new Given(upload(fileName, text), null);
    }

    private static Upload upload(String fileName, String text) throws Incomplete {
        return Upload.of(fileName, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static Given pasted(String text) {
        return new Given(null, text);
    }
}
