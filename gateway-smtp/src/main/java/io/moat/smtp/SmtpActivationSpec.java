package io.moat.smtp;

import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

/**
 * Activates the MDB that receives the SMTP listeners' decisions and messages. It carries no listener settings: the
 * endpoints are stored by the application and applied through {@link io.moat.smtp.api.SmtpAdapterControl}.
 */
public final class SmtpActivationSpec implements ActivationSpec {

    private ResourceAdapter resourceAdapter;

    @Override
    public void validate() throws InvalidPropertyException {
        // nothing to check: every endpoint setting comes through the control interface
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter resourceAdapter) {
        this.resourceAdapter = resourceAdapter;
    }
}
