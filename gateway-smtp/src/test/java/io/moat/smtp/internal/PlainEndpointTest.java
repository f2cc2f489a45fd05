package io.moat.smtp.internal;

import io.moat.smtp.api.SmtpEncryption;
import java.io.IOException;

/** {@link SmtpEncryption#NONE}: clear text only, STARTTLS neither offered nor taken. */
class PlainEndpointTest extends SmtpEndpointContract {

    @Override
    SmtpEncryption encryption() {
        return SmtpEncryption.NONE;
    }

    @Override
    SmtpClient ready() throws IOException {
        return plain();
    }

    @Override
    String startTlsReplyWhenReady() {
        return "502 5.5.1 STARTTLS not offered on this port";
    }
}
