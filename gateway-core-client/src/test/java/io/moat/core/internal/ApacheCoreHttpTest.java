package io.moat.core.internal;

import io.moat.tls.WriteDeadlines;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * {@link ApacheCoreHttp} held to everything {@link CoreHttpTest} asks of {@link CoreHttp}; only the wording of two
 * errors is HttpClient's.
 */
class ApacheCoreHttpTest extends CoreHttpTest {

    @Override
    CoreExchange exchange(URI uri, SSLContext tls, SSLParameters parameters, Duration timeout,
            WriteDeadlines writes) {
        return writes == null
                ? new ApacheCoreHttp(uri, tls, parameters, timeout)
                : new ApacheCoreHttp(uri, tls, parameters, timeout, writes);
    }

    @Override
    String cutShortMessage() {
        return "expected: 100; received: 6";
    }

    /** The A/B's other exchange only posts and reads JSON: the sanitized files are CoreHttp's alone. */
    @Override
    boolean downloads() {
        return false;
    }

    @Override
    String notHttpMessage() {
        return "Invalid protocol version; error at offset 0: <220 mail.example";
    }
}
