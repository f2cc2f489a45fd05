package io.moat.web.internal;

import io.moat.settings.profiles.ServerProfile;
import io.moat.settings.profiles.ServerProfile.Strategy;
import io.moat.settings.profiles.ServerProfile.Type;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A server profile as the console edits it: a mutable copy of {@link ServerProfile} for Faces, turned back into the
 * service's record on save. It checks nothing itself ({@code ServerProfileService} does); it only leaves out what the
 * page hides for the chosen type, and keeps secrets write-only: an empty password or API key means "keep the stored
 * one", exactly like a missing one in the REST API. A secret typed in this editor is kept (never shown) until the
 * editor is saved or closed, so that adding a server row or a refusal does not lose it. A Core profile's webhook
 * settings are edited as given (a field left empty takes its default, as a field left out of the REST API's JSON), and
 * a refusal that names one of its fields is shown there ({@link #inputOf}).
 */
public final class ServerProfileForm implements Serializable {

    private static final long serialVersionUID = 1L;

    private String id;
    private String name;
    private Type type = Type.SMTP;
    private boolean defaultProfile;
    private Strategy strategy = Strategy.FAILOVER;
    private String recipientDomains;
    private final List<ServerRow> servers = new ArrayList<>();
    private String apikey;
    private boolean apikeySet;
    private boolean removeApikey;
    private String rule;
    private String timeoutSeconds;
    private String maxInFlight;
    private WebhookFields webhook = new WebhookFields();

    /** A new profile of this type with one empty server. */
    public static ServerProfileForm blank(Type type) {
        ServerProfileForm form = new ServerProfileForm();
        form.type = type;
        form.addServer();
        return form;
    }

    /** A stored profile to edit, without webhook settings given (callbacks off). */
    public static ServerProfileForm of(ServerProfile profile) {
        return of(profile, null);
    }

    /**
     * A stored profile to edit; its secrets are not in it (the service never returns them), only whether set.
     *
     * @param webhook a Core profile's webhook settings as given, null where a default applies; null: none given
     */
    public static ServerProfileForm of(ServerProfile profile, ServerProfile.Webhook webhook) {
        ServerProfileForm form = new ServerProfileForm();
        form.id = profile.id();
        form.name = profile.name();
        form.type = profile.type();
        form.defaultProfile = Boolean.TRUE.equals(profile.defaultProfile());
        form.strategy = profile.strategy();
        form.recipientDomains = TextLists.lines(profile.recipientDomains());
        for (ServerProfile.Server server : profile.servers()) {
            form.servers.add(ServerRow.of(server));
        }
        form.apikeySet = profile.apikeySet();
        form.rule = profile.rule();
        form.timeoutSeconds = profile.timeoutSeconds() == null ? null : profile.timeoutSeconds().toString();
        form.maxInFlight = profile.maxInFlight() == null ? null : profile.maxInFlight().toString();
        if (webhook != null) {
            form.webhook = WebhookFields.of(webhook);
        }
        return form;
    }

    /**
     * The input for {@code ServerProfileService.create}/{@code update}: only the fields of this type.
     *
     * @throws NumberFormatException when a number field is not a whole number ({@link #notWholeNumber()} says which;
     *             the service checks their ranges)
     */
    public ServerProfile toProfile() {
        boolean core = type == Type.CORE;
        List<ServerProfile.Server> list = servers.stream().map(s -> s.toServer(core)).toList();
        String key = null;
        if (core) {
            key = removeApikey ? "" : emptyToNull(apikey); // "" removes the stored key, null keeps it
        }
        return new ServerProfile(id, name, type, strategy, defaultProfile, core
                ? List.of()
                : TextLists.entries(recipientDomains),
                list, key, false, core ? rule : null, core ? timeout() : null, core ? inFlight() : null,
                core ? webhook.toWebhook() : null);
    }

    /**
     * The input of the first number field of this type that holds something other than a whole number, or null when
     * they all are empty or whole numbers: {@code profile-timeout} (the timeout or the files in flight),
     * {@code webhook-port}, {@code webhook-poll}.
     */
    public String notWholeNumber() {
        if (type != Type.CORE) {
            return null;
        }
        if (!isWhole(timeoutSeconds) || !isWhole(maxInFlight)) {
            return "profile-timeout";
        }
        if (!isWhole(webhook.port)) {
            return "webhook-port";
        }
        return isWhole(webhook.fallbackPollSeconds) ? null : "webhook-poll";
    }

    /**
     * The input that shows a refusal of the service naming a webhook field ({@code webhook.port must be ...}), or
     * null: shown by the Save button.
     */
    public static String inputOf(String message) {
        if (message == null || !message.startsWith("webhook.")) {
            return null;
        }
        int end = 0;
        while (end < message.length() && (Character.isLetter(message.charAt(end)) || message.charAt(end) == '.')) {
            end++;
        }
        return switch (message.substring(0, end)) {
            case "webhook.bindAddress" -> "webhook-bind-address";
            case "webhook.port" -> "webhook-port";
            case "webhook.publicUrl" -> "webhook-public-url";
            case "webhook.tls.certificateId" -> "webhook-certificate";
            case "webhook.tls.protocols" -> "webhook-protocols";
            case "webhook.fallbackPollSeconds" -> "webhook-poll";
            default -> null;
        };
    }

    public void addServer() {
        servers.add(new ServerRow());
    }

    public void removeServer(ServerRow row) {
        servers.remove(row);
    }

    public boolean isAdding() {
        return id == null;
    }

    public boolean isCore() {
        return type == Type.CORE;
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Type getType() {
        return type;
    }

    public void setType(Type type) {
        this.type = type;
    }

    public boolean isDefaultProfile() {
        return defaultProfile;
    }

    public void setDefaultProfile(boolean defaultProfile) {
        this.defaultProfile = defaultProfile;
    }

    public Strategy getStrategy() {
        return strategy;
    }

    public void setStrategy(Strategy strategy) {
        this.strategy = strategy;
    }

    public String getRecipientDomains() {
        return recipientDomains;
    }

    public void setRecipientDomains(String recipientDomains) {
        this.recipientDomains = recipientDomains;
    }

    public List<ServerRow> getServers() {
        return servers;
    }

    /** Write-only: always empty on the page. */
    public String getApikey() {
        return null;
    }

    /** An empty field keeps what was typed before in this editor (the page never shows it again). */
    public void setApikey(String apikey) {
        if (apikey != null && !apikey.isEmpty()) {
            this.apikey = apikey;
        }
    }

    /** Whether an API key was typed in this editor (and is sent on save). */
    public boolean isApikeyTyped() {
        return apikey != null && !apikey.isEmpty();
    }

    public boolean isApikeySet() {
        return apikeySet;
    }

    public boolean isRemoveApikey() {
        return removeApikey;
    }

    public void setRemoveApikey(boolean removeApikey) {
        this.removeApikey = removeApikey;
    }

    public String getRule() {
        return rule;
    }

    public void setRule(String rule) {
        this.rule = rule;
    }

    public String getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(String timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * The timeout as typed; kept as text (no Faces converter) so that a typo does not stop the other fields, and a
     * secret typed with it, from reaching this form.
     */
    private Integer timeout() {
        return whole(timeoutSeconds);
    }

    public String getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(String maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** The files in flight per server as typed, kept as text as the timeout is. */
    private Integer inFlight() {
        return whole(maxInFlight);
    }

    public WebhookFields getWebhook() {
        return webhook;
    }

    /** A number field as typed: null when empty. */
    private static Integer whole(String typed) {
        String value = TextLists.stripped(typed);
        return value == null ? null : Integer.valueOf(value);
    }

    private static boolean isWhole(String typed) {
        try {
            whole(typed);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * A Core profile's webhook callbacks as given: an empty field takes the gateway's default (numbers kept as text,
     * as the timeout is). With TLS off, the certificate and versions chosen are not sent (the service would drop them).
     */
    public static final class WebhookFields implements Serializable {

        private static final long serialVersionUID = 1L;

        private boolean enabled;
        private String bindAddress;
        private String port;
        private String publicUrl;
        private boolean tlsEnabled;
        private TlsChoice tls = new TlsChoice(null, List.of());
        private String fallbackPollSeconds;

        static WebhookFields of(ServerProfile.Webhook given) {
            WebhookFields fields = new WebhookFields();
            fields.enabled = Boolean.TRUE.equals(given.enabled());
            fields.bindAddress = given.bindAddress();
            fields.port = given.port() == null ? null : given.port().toString();
            fields.publicUrl = given.publicUrl();
            if (given.tls() != null) {
                fields.tlsEnabled = Boolean.TRUE.equals(given.tls().enabled());
                fields.tls = new TlsChoice(given.tls().certificateId(), given.tls().protocols());
            }
            fields.fallbackPollSeconds = given.fallbackPollSeconds() == null
                    ? null
                    : given.fallbackPollSeconds().toString();
            return fields;
        }

        ServerProfile.Webhook toWebhook() {
            ServerProfile.Tls chosen = tlsEnabled
                    ? new ServerProfile.Tls(true, tls.certificate(), tls.getProtocols())
                    : new ServerProfile.Tls(false, null, List.of());
            return new ServerProfile.Webhook(enabled, TextLists.stripped(bindAddress), whole(port),
                    TextLists.stripped(publicUrl), chosen, whole(fallbackPollSeconds));
        }

        /** The port as typed, or null when empty or not a whole number (e.g. for the default URL shown). */
        public Integer typedPort() {
            return isWhole(port) ? whole(port) : null;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getBindAddress() {
            return bindAddress;
        }

        public void setBindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
        }

        public String getPort() {
            return port;
        }

        public void setPort(String port) {
            this.port = port;
        }

        public String getPublicUrl() {
            return publicUrl;
        }

        public void setPublicUrl(String publicUrl) {
            this.publicUrl = publicUrl;
        }

        /** Whether the webhook listener serves TLS; off: plain HTTP. */
        public boolean isTlsEnabled() {
            return tlsEnabled;
        }

        public void setTlsEnabled(boolean tlsEnabled) {
            this.tlsEnabled = tlsEnabled;
        }

        /** The certificate and versions it serves when {@link #isTlsEnabled()}. */
        public TlsChoice getTls() {
            return tls;
        }

        public String getFallbackPollSeconds() {
            return fallbackPollSeconds;
        }

        public void setFallbackPollSeconds(String fallbackPollSeconds) {
            this.fallbackPollSeconds = fallbackPollSeconds;
        }
    }

    /** One server of the profile being edited. */
    public static final class ServerRow implements Serializable {

        private static final long serialVersionUID = 1L;

        private String uri;
        private String encryption;
        private List<String> protocols = new ArrayList<>();
        private boolean verifyHostname = true;
        private String username;
        private String password;
        private boolean passwordSet;
        private String clientCertificateId;

        static ServerRow of(ServerProfile.Server server) {
            ServerRow row = new ServerRow();
            row.uri = server.uri();
            row.encryption = server.encryption();
            row.protocols = new ArrayList<>(server.protocols());
            row.verifyHostname = !Boolean.FALSE.equals(server.verifyHostname());
            row.username = server.username();
            row.passwordSet = server.passwordSet();
            row.clientCertificateId = server.clientCertificateId();
            return row;
        }

        ServerProfile.Server toServer(boolean core) {
            List<String> versions = protocols == null ? List.of() : protocols;
            if (core) {
                return new ServerProfile.Server(TextLists.stripped(uri), null, versions, verifyHostname, null, null,
                        false,
                        null);
            }
            return new ServerProfile.Server(TextLists.stripped(uri), TextLists.stripped(encryption), versions,
                    verifyHostname,
                    TextLists.stripped(username), emptyToNull(password), false,
                    TextLists.stripped(clientCertificateId));
        }

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }

        public String getEncryption() {
            return encryption;
        }

        public void setEncryption(String encryption) {
            this.encryption = encryption;
        }

        public List<String> getProtocols() {
            return protocols;
        }

        public void setProtocols(List<String> protocols) {
            this.protocols = protocols == null ? new ArrayList<>() : new ArrayList<>(protocols);
        }

        public boolean isVerifyHostname() {
            return verifyHostname;
        }

        public void setVerifyHostname(boolean verifyHostname) {
            this.verifyHostname = verifyHostname;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        /** Write-only: always empty on the page. */
        public String getPassword() {
            return null;
        }

        /** An empty field keeps what was typed before in this editor (the page never shows it again). */
        public void setPassword(String password) {
            if (password != null && !password.isEmpty()) {
                this.password = password;
            }
        }

        /** Whether a password was typed in this editor (and is sent on save). */
        public boolean isPasswordTyped() {
            return password != null && !password.isEmpty();
        }

        public boolean isPasswordSet() {
            return passwordSet;
        }

        public String getClientCertificateId() {
            return clientCertificateId;
        }

        public void setClientCertificateId(String clientCertificateId) {
            this.clientCertificateId = clientCertificateId;
        }
    }
}
