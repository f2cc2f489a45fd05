package io.moat.smtp.api;

/**
 * What the adapter reports about one endpoint.
 *
 * @param name the endpoint's name
 * @param listening whether it accepts connections now
 * @param port the port bound (the allocated one when configured as 0), or the configured one when not listening
 * @param problem why it does not listen (e.g. the port is in use), else {@code null}
 * @param connections sessions open now
 * @param failedHandshakes TLS handshakes that failed since the endpoint started
 */
public record SmtpEndpointStatus(String name, boolean listening, int port, String problem, int connections,
        long failedHandshakes) {
}
