package io.moat.web.console;

import io.moat.settings.endpoints.SmtpEndpoint;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.web.internal.TextLists;
import io.moat.web.internal.TlsChoice;
import java.io.Serializable;
import java.util.List;

/**
 * The "Edit SMTP endpoint" panel's fields, editable by the page; turned into an {@link SmtpEndpoint} for the service,
 * which validates it. Lists are edited as text ({@link TextLists}). Every field of the endpoint is in the form, the
 * cipher suites too, so that saving it in the console keeps what was set over REST.
 */
public class EndpointForm implements Serializable {

    private static final long serialVersionUID = 1L;

    private String id;
    private String name;
    private String bindAddress = "0.0.0.0";
    private Integer port;
    private SmtpEncryption encryption = SmtpEncryption.STARTTLS_OPTIONAL;
    private TlsChoice tls = new TlsChoice(null, List.of("TLSv1.2", "TLSv1.3"));
    private String cipherSuites;
    private String greeting;
    private Long maxMessageSize;
    private Integer maxConnections;
    private Integer idleTimeoutSeconds;
    private Integer maxConnectionsPerClient;
    private Integer sessionTimeoutSeconds;
    private Integer minDataRate;
    private Long maxDiscardSize;
    private String relayDomains;
    private String trustedNetworks;

    /** The form of an existing endpoint, to edit it. */
    public static EndpointForm of(SmtpEndpoint endpoint) {
        EndpointForm form = new EndpointForm();
        form.id = endpoint.id();
        form.name = endpoint.name();
        form.bindAddress = endpoint.bindAddress();
        form.port = endpoint.port();
        form.encryption = endpoint.encryption();
        form.tls = new TlsChoice(endpoint.certificateId(), endpoint.protocols());
        form.cipherSuites = TextLists.lines(endpoint.cipherSuites());
        form.greeting = endpoint.greeting();
        form.maxMessageSize = endpoint.maxMessageSize();
        form.maxConnections = endpoint.maxConnections();
        form.idleTimeoutSeconds = endpoint.idleTimeoutSeconds();
        form.maxConnectionsPerClient = endpoint.maxConnectionsPerClient();
        form.sessionTimeoutSeconds = endpoint.sessionTimeoutSeconds();
        form.minDataRate = endpoint.minDataRate();
        form.maxDiscardSize = endpoint.maxDiscardSize();
        form.relayDomains = TextLists.lines(endpoint.relayDomains());
        form.trustedNetworks = TextLists.lines(endpoint.trustedNetworks());
        return form;
    }

    /**
     * What to send to the service; blank fields are left out and take the service's defaults. Without TLS
     * ({@link SmtpEncryption#NONE}) the TLS versions and cipher suites are left out, as the service wants them then.
     */
    public SmtpEndpoint toEndpoint() {
        boolean tls = encryption != SmtpEncryption.NONE;
        List<String> suites = tls ? TextLists.entries(cipherSuites) : List.of();
        return new SmtpEndpoint(id, name, TextLists.stripped(bindAddress), port, encryption, this.tls.certificate(),
                tls ? this.tls.getProtocols() : List.of(), suites, TextLists.stripped(greeting), maxMessageSize,
                maxConnections,
                idleTimeoutSeconds,
                maxConnectionsPerClient, sessionTimeoutSeconds, minDataRate, maxDiscardSize,
                TextLists.entries(relayDomains), TextLists.entries(trustedNetworks));
    }

    public boolean isNew() {
        return id == null;
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

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public SmtpEncryption getEncryption() {
        return encryption;
    }

    public void setEncryption(SmtpEncryption encryption) {
        this.encryption = encryption;
    }

    /** The certificate and TLS versions the endpoint serves (without TLS, not sent). */
    public TlsChoice getTls() {
        return tls;
    }

    public String getCipherSuites() {
        return cipherSuites;
    }

    public void setCipherSuites(String cipherSuites) {
        this.cipherSuites = cipherSuites;
    }

    public String getGreeting() {
        return greeting;
    }

    public void setGreeting(String greeting) {
        this.greeting = greeting;
    }

    public Long getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(Long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getIdleTimeoutSeconds() {
        return idleTimeoutSeconds;
    }

    public void setIdleTimeoutSeconds(Integer idleTimeoutSeconds) {
        this.idleTimeoutSeconds = idleTimeoutSeconds;
    }

    public Integer getMaxConnectionsPerClient() {
        return maxConnectionsPerClient;
    }

    public void setMaxConnectionsPerClient(Integer maxConnectionsPerClient) {
        this.maxConnectionsPerClient = maxConnectionsPerClient;
    }

    public Integer getSessionTimeoutSeconds() {
        return sessionTimeoutSeconds;
    }

    public void setSessionTimeoutSeconds(Integer sessionTimeoutSeconds) {
        this.sessionTimeoutSeconds = sessionTimeoutSeconds;
    }

    public Integer getMinDataRate() {
        return minDataRate;
    }

    public void setMinDataRate(Integer minDataRate) {
        this.minDataRate = minDataRate;
    }

    public Long getMaxDiscardSize() {
        return maxDiscardSize;
    }

    public void setMaxDiscardSize(Long maxDiscardSize) {
        this.maxDiscardSize = maxDiscardSize;
    }

    public String getRelayDomains() {
        return relayDomains;
    }

    public void setRelayDomains(String relayDomains) {
        this.relayDomains = relayDomains;
    }

    public String getTrustedNetworks() {
        return trustedNetworks;
    }

    public void setTrustedNetworks(String trustedNetworks) {
        this.trustedNetworks = trustedNetworks;
    }
}
