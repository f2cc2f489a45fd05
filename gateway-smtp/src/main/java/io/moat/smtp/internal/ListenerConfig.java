package io.moat.smtp.internal;

/**
 * Immutable settings of one SMTP listener.
 *
 * @param endpointName the name shown in logs and stored with each message
 * @param bindAddress the local address to listen on
 * @param port the TCP port; 0 picks a free one (tests)
 * @param hostName the name in the greeting and in our Received: header; {@code null} for the local host name
 * @param maxMessageSize the largest message accepted, in bytes
 * @param maxRecipients the most recipients per message
 * @param maxConnections the most concurrent sessions
 * @param idleTimeoutSeconds how long a session may stay silent
 */
public record ListenerConfig(String endpointName, String bindAddress, int port, String hostName, long maxMessageSize,
        int maxRecipients, int maxConnections, int idleTimeoutSeconds) {
}
