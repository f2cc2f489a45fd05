package io.moat.mime;

import jakarta.mail.Session;
import java.io.IOException;

/**
 * Runs Jakarta Mail's parsing and coding under the API's own class loader. Jakarta Mail 2.1 looks its
 * {@code StreamProvider} up with {@code ServiceLoader} for every decoder and encoder it creates, starting from the
 * thread's context class loader (jakartaee/mail-api#861). Under the deployment's loader each look-up searches the
 * jars of every module the deployment sees: in the benchmark that was a sixth of the pipeline's CPU. The API's own
 * loader finds the same provider among its few dependencies.
 */
final class MailApiLoader {

    private static final ClassLoader MAIL_API_LOADER = Session.class.getClassLoader();

    /** Work that reads or writes a message. */
    interface Work<T> {
        T run() throws IOException;
    }

    private MailApiLoader() {
    }

    /** Runs {@code work} with the thread's context class loader set to Jakarta Mail's, then puts it back. */
    static <T> T call(Work<T> work) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(MAIL_API_LOADER);
        try {
            return work.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
