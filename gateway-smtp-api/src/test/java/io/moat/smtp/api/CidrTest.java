package io.moat.smtp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    /** A literal address only: {@code getByName} does no DNS look-up for literals. */
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @Test
    void slashZeroMatchesEveryAddressOfItsFamily() {
        Cidr all = Cidr.parse("0.0.0.0/0");
        assertThat(all.contains(ip("0.0.0.0"))).isTrue();
        assertThat(all.contains(ip("192.0.2.1"))).isTrue();
        assertThat(all.contains(ip("255.255.255.255"))).isTrue();
        Cidr allV6 = Cidr.parse("::/0");
        assertThat(allV6.contains(ip("::1"))).isTrue();
        assertThat(allV6.contains(ip("2001:db8::1"))).isTrue();
        assertThat(allV6.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
    }

    @Test
    void slashZeroOfOneFamilyNeverMatchesTheOther() {
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(ip("192.0.2.1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void slashThirtyTwoIsExactlyOneAddress() {
        Cidr one = Cidr.parse("192.0.2.7/32");
        assertThat(one.contains(ip("192.0.2.7"))).isTrue();
        assertThat(one.contains(ip("192.0.2.6"))).isFalse();
        assertThat(one.contains(ip("192.0.2.8"))).isFalse();
        assertThat(one.contains(ip("193.0.2.7"))).isFalse();
    }

    @Test
    void anAddressWithoutPrefixIsOneAddress() {
        Cidr one = Cidr.parse("192.0.2.7");
        assertThat(one.contains(ip("192.0.2.7"))).isTrue();
        assertThat(one.contains(ip("192.0.2.6"))).isFalse();
        Cidr oneV6 = Cidr.parse("2001:db8::7");
        assertThat(oneV6.contains(ip("2001:db8::7"))).isTrue();
        assertThat(oneV6.contains(ip("2001:db8::6"))).isFalse();
    }

    @Test
    void slashOneHundredTwentyEightIsOneIpv6Address() {
        Cidr one = Cidr.parse("2001:db8::1/128");
        assertThat(one.contains(ip("2001:db8::1"))).isTrue();
        assertThat(one.contains(ip("2001:db8::2"))).isFalse();
    }

    @Test
    void prefixesThatAreNotByteAlignedCompareOnlyTheirBits() {
        Cidr net = Cidr.parse("192.0.2.64/27");
        assertThat(net.contains(ip("192.0.2.64"))).isTrue();
        assertThat(net.contains(ip("192.0.2.95"))).isTrue();
        assertThat(net.contains(ip("192.0.2.63"))).isFalse();
        assertThat(net.contains(ip("192.0.2.96"))).isFalse();
        Cidr first = Cidr.parse("128.0.0.0/1");
        assertThat(first.contains(ip("200.1.2.3"))).isTrue();
        assertThat(first.contains(ip("127.255.255.255"))).isFalse();
    }

    @Test
    void hostBitsInTheNetworkAreIgnored() {
        Cidr net = Cidr.parse("192.0.2.77/24");
        assertThat(net.contains(ip("192.0.2.1"))).isTrue();
        assertThat(net.contains(ip("192.0.3.1"))).isFalse();
    }

    @Test
    void ipv4MappedIpv6AddressesAreIpv4() {
        // Java turns ::ffff:a.b.c.d into the IPv4 address itself
        assertThat(Cidr.parse("192.0.2.0/24").contains(ip("::ffff:192.0.2.5"))).isTrue();
        assertThat(Cidr.parse("::/0").contains(ip("::ffff:192.0.2.5"))).isFalse();
    }

    @Test
    void ipv6NetworksNeverMatchIpv4Addresses() {
        Cidr net = Cidr.parse("::/96");
        assertThat(net.contains(ip("0.0.0.1"))).isFalse();
        assertThat(Cidr.parse("::1/128").contains(ip("127.0.0.1"))).isFalse();
        assertThat(Cidr.parse("127.0.0.1/32").contains(ip("::1"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "mail.example.com", "example.com/24", "host-1", "*", "192.0.2.0/24x",
            "", " ", "/24", "192.0.2.1 192.0.2.2"})
    void hostNamesAndGarbageAreRejected(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.0/33", "192.0.2.0/-1", "2001:db8::/129"})
    void prefixOutsideTheAddressLengthIsRejected(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix length outside");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.0/", "192.0.2.0/abc", "192.0.2.0/24/8"})
    void unreadablePrefixIsRejected(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no valid prefix length");
    }

    @Test
    void abbreviatedIpv4IsRejectedOrMeansWhatItSays() {
        assertRejectedOrContains("10/8", "10.1.2.3");
        assertRejectedOrContains("10.1/16", "10.1.2.3");
        assertRejectedOrContains("192.168.1/24", "192.168.1.20");
    }

    private static void assertRejectedOrContains(String text, String member) {
        Cidr net;
        try {
            net = Cidr.parse(text);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        assertThat(net.contains(ip(member))).as("'%s' accepted as %s; should contain %s", text, net, member)
                .isTrue();
    }

    /**
     * Names made only of hex digits and dots pass the syntax check; whether they are then looked up is seen in a
     * JVM whose resolver is a hosts file that knows them (so no real DNS is involved).
     */
    @Test
    void hexLookingHostNamesAreNotLookedUp(@TempDir Path tmp) throws Exception {
        Path hosts = tmp.resolve("hosts");
        Files.writeString(hosts, "192.0.2.99 cafe.de\n192.0.2.98 dead.beef\n");
        for (String name : List.of("cafe.de", "dead.beef/32")) {
            Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"),
                    Probe.class.getName(), name).redirectErrorStream(true).start();
            String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(output).as(name).isEqualTo("rejected");
        }
    }

    /** Parses its argument and prints "rejected" or what it was accepted as. */
    static final class Probe {
        private Probe() {
        }

        public static void main(String[] args) {
            try {
                Cidr net = Cidr.parse(args[0]);
                System.out.println("accepted " + net + (net.contains(ip("192.0.2.99")) ? " (192.0.2.99)" : ""));
            } catch (IllegalArgumentException e) {
                System.out.println("rejected");
            }
        }
    }

    @Test
    void surroundingBlanksAreIgnored() {
        Cidr net = Cidr.parse("  192.0.2.0/24 ");
        assertThat(net.contains(ip("192.0.2.200"))).isTrue();
        assertThat(net).hasToString("192.0.2.0/24");
    }

    @Test
    void aClientIsItsIpv4AddressOrItsIpv6SlashSixtyFour() throws Exception {
        assertThat(Cidr.clientKey(InetAddress.getByName("192.0.2.7"))).isEqualTo("192.0.2.7");
        assertThat(Cidr.clientKey(InetAddress.getByName("2001:db8:1:2:aaaa::1")))
                .isEqualTo(Cidr.clientKey(InetAddress.getByName("2001:db8:1:2:ffff:1:2:3")))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(Cidr.clientKey(InetAddress.getByName("2001:db8:1:3::1"))).isEqualTo("2001:db8:1:3:0:0:0:0/64");
    }

    @Test
    void anyOfSeveralNetworksMayContainAnAddress() throws Exception {
        List<Cidr> networks = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32"));
        assertThat(Cidr.anyContains(networks, InetAddress.getByName("2001:db8::5"))).isTrue();
        assertThat(Cidr.anyContains(networks, InetAddress.getByName("192.0.2.1"))).isFalse();
        assertThat(Cidr.anyContains(List.of(), InetAddress.getByName("10.1.1.1"))).isFalse();
    }
}
