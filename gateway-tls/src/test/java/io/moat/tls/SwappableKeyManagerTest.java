package io.moat.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SwappableKeyManagerTest {

    private static final DigitalId RSA = new DigitalId(Fixtures.RSA_KEYS.getPrivate(),
            List.of(Fixtures.LEAF, Fixtures.INTERMEDIATE));
    private static final DigitalId EC = new DigitalId(Fixtures.EC_KEYS.getPrivate(), List.of(Fixtures.EC_LEAF));

    @Test
    void offersItsIdOnlyForItsKeyType() {
        SwappableKeyManager manager = new SwappableKeyManager(RSA);

        String alias = manager.chooseServerAlias("RSA", null, null);

        assertThat(alias).isNotNull();
        assertThat(manager.chooseServerAlias("EC", null, null)).isNull();
        assertThat(manager.chooseEngineServerAlias("RSA", null, null)).isEqualTo(alias);
        assertThat(manager.chooseClientAlias(new String[]{"EC", "RSA"}, null, null)).isEqualTo(alias);
        assertThat(manager.getServerAliases("RSA", null)).containsExactly(alias);
        assertThat(manager.getCertificateChain(alias)).containsExactly(Fixtures.LEAF, Fixtures.INTERMEDIATE);
        assertThat(manager.getPrivateKey(alias)).isEqualTo(Fixtures.RSA_KEYS.getPrivate());
        assertThat(manager.getPrivateKey("something else")).isNull();
    }

    @Test
    void swapChangesWhatIsChosen() {
        SwappableKeyManager manager = new SwappableKeyManager(RSA);
        String before = manager.chooseServerAlias("RSA", null, null);

        manager.swap(EC);

        assertThat(manager.current()).isSameAs(EC);
        assertThat(manager.chooseServerAlias("RSA", null, null)).isNull();
        String after = manager.chooseServerAlias("EC", null, null);
        assertThat(after).isNotEqualTo(before);
        assertThat(manager.getCertificateChain(after)).containsExactly(Fixtures.EC_LEAF);
        assertThat(manager.getPrivateKey(after)).isEqualTo(Fixtures.EC_KEYS.getPrivate());
    }

    @Test
    void aHandshakeCaughtInTheMiddleOfASwapGetsKeyAndChainThatBelongTogether() {
        SwappableKeyManager manager = new SwappableKeyManager(RSA);
        String chosen = manager.chooseServerAlias("RSA", null, null);

        manager.swap(EC);

        assertThat(manager.getCertificateChain(chosen)).containsExactly(Fixtures.LEAF, Fixtures.INTERMEDIATE);
        assertThat(manager.getPrivateKey(chosen)).isEqualTo(Fixtures.RSA_KEYS.getPrivate());

        manager.swap(EC);

        assertThat(manager.getPrivateKey(chosen)).isNull(); // two swaps ago: gone
    }
}
