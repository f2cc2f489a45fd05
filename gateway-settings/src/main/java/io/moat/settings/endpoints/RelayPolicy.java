package io.moat.settings.endpoints;

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
 *
 * <p>
 * Only the domain after the last {@code @} is ours to check, but the downstream server may read more into the local
 * part: with Postfix's defaults ({@code allow_percent_hack}, {@code swap_bangpath}, and a quoted local part taken
 * apart) {@code victim%evil.test@example.com}, {@code evil.test!victim@example.com} and
 * {@code "victim@evil.test"@example.com} all go to {@code evil.test}. From clients outside the trusted networks, a
 * local part with {@code %} or {@code !}, or a quoted one holding {@code @}, {@code %} or {@code !}, is refused
 * ({@code 550 5.7.1}) whatever its domain. {@code <Postmaster>} without a domain is always accepted (RFC 5321
 * 4.5.1).
 */
public final class RelayPolicy {

    private static final SmtpReply RELAY_DENIED = new SmtpReply(550, "5.7.1", "Relaying denied");
    private static final SmtpReply ROUTING_DENIED = new SmtpReply(550, "5.7.1", "Relaying denied: '%', '!' and"
            + " a quoted '@' in the local part are not accepted (they route mail elsewhere)");
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
        if (recipient.equalsIgnoreCase("postmaster")) {
            return null; // RFC 5321 4.5.1: every SMTP server takes mail for its postmaster, no domain needed
        }
        int at = recipient.lastIndexOf('@');
        if (at <= 0 || at == recipient.length() - 1) {
            return new SmtpReply(501, "5.1.3", "Bad recipient address syntax");
        }
        if (routesElsewhere(recipient.substring(0, at)) && !isTrusted(client.remoteAddress())) {
            return ROUTING_DENIED;
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

    /**
     * Whether a local part carries a route another server may follow: the percent hack, a UUCP bang path, or an
     * address inside a quoted string (escaped or not: {@code "victim\@evil.test"} holds an {@code @} too).
     */
    static boolean routesElsewhere(String localPart) {
        if (localPart.startsWith("\"")) {
            return localPart.indexOf('@') >= 0 || localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0;
        }
        return localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0;
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
        return Cidr.anyContains(trustedNetworks, address);
    }
}
