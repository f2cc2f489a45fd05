package io.moat.webhook;

import io.moat.delivery.CoreCallbacks;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Gives {@link CallbackHandler}, which the container makes before CDI can inject anything, its
 * {@link CallbackReceiver} with the beans it needs, once the module starts.
 */
@WebListener
public class CallbackReceivers implements ServletContextListener {

    /** The servlet context attribute holding the receiver. */
    static final String ATTRIBUTE = CallbackReceiver.class.getName();

    @Inject
    CoreCallbacks callbacks;

    @Inject
    CallbackLimiter limiter;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().setAttribute(ATTRIBUTE, new CallbackReceiver(callbacks, limiter));
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        event.getServletContext().removeAttribute(ATTRIBUTE);
    }
}
