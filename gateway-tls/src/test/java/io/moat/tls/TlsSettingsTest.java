package io.moat.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class TlsSettingsTest {

    @Test
    void defaultsAreEmpty() throws TlsException {
        assertThat(TlsSettings.defaults()).isEqualTo(new TlsSettings(List.of(), List.of()));
        assertThat(TlsSettings.defaults().validated()).isEqualTo(TlsSettings.defaults());
        assertThat(new TlsSettings(null, null)).isEqualTo(TlsSettings.defaults());
    }

    @Test
    void knownProtocolsAndSupportedSuites() throws TlsException {
        TlsSettings settings = new TlsSettings(List.of("TLSv1.2", "TLSv1.3"),
                List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));

        assertThat(settings.validated()).isSameAs(settings);
    }

    @Test
    void unknownProtocol() {
        assertThatThrownBy(() -> new TlsSettings(List.of("TLSv1.2", "SSLv3"), List.of()).validated())
                .isInstanceOf(TlsException.class)
                .hasMessage("unknown TLS protocol 'SSLv3'; use one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3");
    }

    @Test
    void unsupportedCipherSuite() {
        assertThatThrownBy(() -> new TlsSettings(List.of(), List.of("TLS_MADE_UP_WITH_ROT13")).validated())
                .isInstanceOf(TlsException.class)
                .hasMessage("cipher suite 'TLS_MADE_UP_WITH_ROT13' is not supported by this Java runtime");
    }

    @Test
    void suitesThatNoneOfTheProtocolsCanUse() {
        assertThatThrownBy(() -> new TlsSettings(List.of("TLSv1.3"),
                List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).validated())
                .isInstanceOf(TlsException.class).hasMessageContaining("can be used with TLSv1.3");
        assertThatThrownBy(() -> new TlsSettings(List.of("TLSv1.2"), List.of("TLS_AES_128_GCM_SHA256")).validated())
                .hasMessageContaining("can be used with TLSv1.2");
    }

    @Test
    void appliesTheProtocolsGivenAndWithoutNamedSuitesOnlyForwardSecretAeadOnes() {
        SSLParameters parameters = new SSLParameters(new String[]{"TLS_RSA_WITH_AES_128_CBC_SHA"},
                new String[]{"TLSv1.2"});

        new TlsSettings(List.of("TLSv1.3"), List.of()).applyTo(parameters);

        assertThat(parameters.getProtocols()).containsExactly("TLSv1.3");
        assertThat(parameters.getCipherSuites()).containsExactlyElementsOf(TlsSettings.FORWARD_SECRET_AEAD);
        assertThat(parameters.getUseCipherSuitesOrder()).isTrue();

        new TlsSettings(List.of(), List.of("TLS_AES_128_GCM_SHA256")).applyTo(parameters);

        assertThat(parameters.getProtocols()).containsExactly("TLSv1.3");
        assertThat(parameters.getCipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256");
    }

    @Test
    void theDefaultSuitesAreForwardSecretAndAeadAndAllSupported() {
        assertThat(TlsSettings.defaults().effectiveCipherSuites()).containsExactlyElementsOf(
                TlsSettings.FORWARD_SECRET_AEAD);
        assertThat(TlsSettings.FORWARD_SECRET_AEAD).allSatisfy(suite -> {
            assertThat(suite.startsWith("TLS_ECDHE_") || !suite.contains("_WITH_")).as(suite).isTrue();
            assertThat(suite).containsAnyOf("_GCM_", "CHACHA20_POLY1305");
        });
        assertThat(TlsSettings.supported(TlsSettings.FORWARD_SECRET_AEAD))
                .containsExactlyElementsOf(TlsSettings.FORWARD_SECRET_AEAD);
        assertThat(TlsSettings.supported(List.of("TLS_MADE_UP_WITH_ROT13", "TLS_AES_128_GCM_SHA256")))
                .containsExactly("TLS_AES_128_GCM_SHA256");
    }

    @Test
    void namingTls11BringsTheForwardSecretCbcSuitesItNeedsAfterTheAeadOnes() {
        List<String> suites = new TlsSettings(List.of("TLSv1.1", "TLSv1.2"), List.of()).effectiveCipherSuites();

        assertThat(suites).startsWith(TlsSettings.FORWARD_SECRET_AEAD.toArray(String[]::new))
                .endsWith(TlsSettings.FORWARD_SECRET_CBC.toArray(String[]::new))
                .noneMatch(suite -> suite.startsWith("TLS_RSA_") || suite.contains("3DES") || suite.contains("RC4"));
        assertThat(new TlsSettings(List.of("TLSv1", "TLSv1.2"), List.of()).effectiveCipherSuites())
                .isEqualTo(suites);
        assertThat(new TlsSettings(List.of("TLSv1.1"), List.of("TLS_RSA_WITH_AES_128_CBC_SHA"))
                .effectiveCipherSuites()).containsExactly("TLS_RSA_WITH_AES_128_CBC_SHA");
    }
}
