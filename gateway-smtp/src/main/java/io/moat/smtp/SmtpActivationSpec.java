package io.moat.smtp;

import io.moat.smtp.internal.ListenerConfig;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

/**
 * The activation properties an MDB gives for its SMTP endpoint. WildFly resolves {@code ${...}} expressions in the
 * MDB's activation config, so the values can come from system properties or environment variables.
 */
public final class SmtpActivationSpec implements ActivationSpec {

    private ResourceAdapter resourceAdapter;
    private String endpointName = "default";
    private String bindAddress = "0.0.0.0";
    private Integer port;
    private String hostName;
    private Long maxMessageSize = 50L * 1024 * 1024;
    private Integer maxRecipients = 1000;
    private Integer maxConnections = 500;
    private Integer idleTimeoutSeconds = 300;

    @Override
    public void validate() throws InvalidPropertyException {
        if (port == null || port < 0 || port > 65535) {
            throw new InvalidPropertyException("SMTP port must be 0..65535, was " + port);
        }
        if (maxMessageSize == null || maxMessageSize <= 0) {
            throw new InvalidPropertyException("maxMessageSize must be positive, was " + maxMessageSize);
        }
        if (maxRecipients == null || maxRecipients <= 0) {
            throw new InvalidPropertyException("maxRecipients must be positive, was " + maxRecipients);
        }
    }

    ListenerConfig toConfig() {
        return new ListenerConfig(endpointName, bindAddress, port, hostName, maxMessageSize, maxRecipients,
                maxConnections, idleTimeoutSeconds);
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter resourceAdapter) {
        this.resourceAdapter = resourceAdapter;
    }

    public String getEndpointName() {
        return endpointName;
    }

    public void setEndpointName(String endpointName) {
        this.endpointName = endpointName;
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

    public String getHostName() {
        return hostName;
    }

    public void setHostName(String hostName) {
        this.hostName = hostName;
    }

    public Long getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(Long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public Integer getMaxRecipients() {
        return maxRecipients;
    }

    public void setMaxRecipients(Integer maxRecipients) {
        this.maxRecipients = maxRecipients;
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
}
