package io.moat.settings;

import io.moat.persistence.SettingsGenerationRepository;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Raises the settings' generation before a {@link ChangesSettings} method does its work, inside its transaction (this
 * interceptor runs within {@code @Transactional}'s): the generation row's lock is taken first, so that changes made
 * on several nodes at once run one after the other (each sees the other's committed work in its checks), and the
 * change and the new generation commit together, so a node that sees the generation reads the change. A method that
 * throws raises nothing (its transaction rolls back).
 */
@ChangesSettings
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class SettingsChangeInterceptor {

    @Inject
    SettingsGenerationRepository generation;

    @AroundInvoke
    public Object raise(InvocationContext invocation) throws Exception {
        generation.bump();
        return invocation.proceed();
    }
}
