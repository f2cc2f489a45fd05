package io.moat.delivery;

import io.moat.smtp.api.Cidr;
import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpReply;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Never an open relay: a recipient is accepted when its domain is one the gateway serves (or a subdomain given as
 * {@code .example.com}), or when the client is in a trusted network; otherwise {@code 550 5.7.1}.
 */
public final class RelayPolicy {

    private static final SmtpReply RELAY_DENIED = new SmtpReply(550, "5.7.1", "Relaying denied");
    /** Accepts no recipient from anyone. */
    public static final RelayPolicy NOTHING = new RelayPolicy(List.of(), List.of());

    private final List<String> domains;
    private final List<Cidr> trustedNetworks;

    public RelayPolicy(List<String> domains, List<String> trustedNetworks) {
        this.domains = domains.stream().map(String::strip).filter(d -> !d.isEmpty())
                .map(d -> d.toLowerCase(Locale.ROOT)).toList();
        this.trustedNetworks = trustedNetworks.stream().map(String::strip).filter(n -> !n.isEmpty())
                .map(Cidr::parse).toList();
    }

    /** @return {@code null} to accept, or the rejection */
    public SmtpReply check(SmtpClientInfo client, String recipient) {
        int at = recipient.lastIndexOf('@');
        if (at <= 0 || at == recipient.length() - 1) {
            return new SmtpReply(501, "5.1.3", "Bad recipient address syntax");
        }
        String domain = recipient.substring(at + 1).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        for (String served : domains) {
            if (served.startsWith(".") ? domain.endsWith(served) : domain.equals(served)) {
                return null;
            }
        }
        return isTrusted(client.remoteAddress()) ? null : RELAY_DENIED;
    }

    private boolean isTrusted(String remoteAddress) {
        if (trustedNetworks.isEmpty()) {
            return false;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(remoteAddress);
        } catch (UnknownHostException e) {
            return false;
        }
        return trustedNetworks.stream().anyMatch(n -> n.contains(address));
    }
}
