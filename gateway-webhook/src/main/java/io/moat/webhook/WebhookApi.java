package io.moat.webhook;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Core's callbacks arrive under {@code /webhook}. */
@ApplicationPath("/webhook")
public class WebhookApi extends Application {
}
