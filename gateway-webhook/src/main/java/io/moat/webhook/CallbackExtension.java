package io.moat.webhook;

import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;
import jakarta.servlet.ServletContext;

/**
 * Puts {@link CallbackHandler} in front of this module's servlet container: the webhook port serves nothing else, so
 * every request to it is the handler's (found by Undertow through {@code META-INF/services}; a web module's classes
 * are its own, so the console's module does not get it).
 */
public class CallbackExtension implements ServletExtension {

    @Override
    public void handleDeployment(DeploymentInfo deployment, ServletContext context) {
        deployment.addInitialHandlerChainWrapper(servletChain -> new CallbackHandler(deployment, context));
    }
}
