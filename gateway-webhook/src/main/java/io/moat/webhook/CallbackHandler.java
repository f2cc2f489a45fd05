package io.moat.webhook;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.ThreadSetupHandler;
import io.undertow.util.Headers;
import jakarta.servlet.ServletContext;
import java.net.InetSocketAddress;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every request to the webhook port, answered by {@link CallbackReceiver} in front of the servlet container (installed
 * by {@link CallbackExtension}). Core's callbacks need none of what a servlet request gets: nobody signs in (the
 * token in the path names the job, ADR 0003), and yet the Jakarta Security bridge that the console's mechanism puts in
 * every web module of the EAR looked its beans up through JNDI twice per callback; with the rest of the servlet chain
 * it took as much of the gateway's CPU as the callback's own work (ADR 0042). The work runs on a worker thread with
 * the module's class loader and the container's thread setup (naming), as a servlet's would.
 */
final class CallbackHandler implements HttpHandler {

    private static final Logger LOG = Logger.getLogger(CallbackHandler.class.getName());

    private static final CallbackReceiver.Answer UNAVAILABLE = new CallbackReceiver.Answer(503,
            "Service Unavailable", "the gateway is starting or stopping; try again");

    private final DeploymentInfo deployment;
    private final ServletContext context;
    private volatile ThreadSetupHandler.Action<Void, Object> setUp;

    CallbackHandler(DeploymentInfo deployment, ServletContext context) {
        this.deployment = deployment;
        this.context = context;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this); // reading the body and a callback's database path block
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(deployment.getClassLoader());
        try {
            setUp().call(exchange, null);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The container's thread setup around {@link #answer}, made at the first request (the list is final by then). */
    private ThreadSetupHandler.Action<Void, Object> setUp() {
        ThreadSetupHandler.Action<Void, Object> action = setUp;
        if (action == null) {
            action = (exchange, ignored) -> {
                answer(exchange);
                return null;
            };
            for (ThreadSetupHandler handler : deployment.getThreadSetupActions()) {
                action = handler.create(action);
            }
            setUp = action;
        }
        return action;
    }

    private void answer(HttpServerExchange exchange) throws Exception {
        exchange.startBlocking();
        CallbackReceiver receiver = (CallbackReceiver) context.getAttribute(CallbackReceivers.ATTRIBUTE);
        CallbackReceiver.Answer answer;
        if (receiver == null) {
            answer = UNAVAILABLE; // before the module started, or while it stops
        } else {
            try {
                answer = receiver.take(exchange.getRequestMethod().toString(), exchange.getRelativePath(),
                        source(exchange), exchange.getRequestContentLength(), exchange::getInputStream);
            } catch (RuntimeException e) {
                // also while the server stops (its beans or database going away): Core sends the callback again,
                // and the fallback poll reads the verdict anyway
                LOG.log(Level.WARNING, "a callback from " + source(exchange) + " could not be taken; answered 503",
                        e);
                answer = UNAVAILABLE;
            }
        }
        exchange.setStatusCode(answer.status());
        if (answer.status() == 429 || answer.status() == 503) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        } else if (answer.status() == 405) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST, PUT");
        }
        byte[] problem = answer.problem();
        if (problem != null) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/problem+json");
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, problem.length);
            exchange.getOutputStream().write(problem);
        }
        exchange.endExchange();
    }

    private static String source(HttpServerExchange exchange) {
        InetSocketAddress address = exchange.getSourceAddress();
        if (address == null) {
            return "unknown";
        }
        return address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    }
}
