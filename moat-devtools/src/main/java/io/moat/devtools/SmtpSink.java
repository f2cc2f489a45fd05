package io.moat.devtools;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An SMTP server that accepts every message and keeps it ({@link #messages()}), optionally also as
 * {@code <n>-<timestamp>.eml} files in a directory. No {@code Received:} header is added: the stored bytes are what the
 * client sent after {@code DATA}, dot-unstuffed. With {@link Builder#startTls(Path, Path)} or
 * {@link Builder#startTls(SSLContext)} it also offers {@code STARTTLS} (but does not require it).
 */
public final class SmtpSink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SmtpSink.class.getName());
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final InetAddress bindAddress;
    private final Path directory;
    private final Consumer<ReceivedMail> listener;
    private final Path tlsKey;
    private final Path tlsChain;
    private SSLContext tls; // made from tlsKey and tlsChain at the first start() unless given
    private final List<ReceivedMail> messages = new CopyOnWriteArrayList<>();
    private final AtomicLong fileCounter = new AtomicLong();
    private int port;
    private SMTPServer server;
    private final Map<String, String> refusedRecipients = new ConcurrentHashMap<>();
    private final Object rejections = new Object();
    private int rejectCount;
    private int rejectCode;
    private String rejectText;

    private SmtpSink(Builder b) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.directory = b.directory;
        this.listener = b.listener;
        this.tls = b.tls;
        this.tlsKey = b.tlsKey;
        this.tlsChain = b.tlsChain;
    }

    /** A builder for 127.0.0.1, port 0, no directory. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving with a new {@link SMTPServer} (one cannot be restarted); after {@link #stop()}, binds
     * the same port again. Does nothing when running.
     *
     * @throws IOException if the port cannot be bound, the directory cannot be created or the STARTTLS key and
     *                     certificate cannot be read
     */
    public synchronized SmtpSink start() throws IOException {
        if (server != null) {
            return this;
        }
        if (directory != null) {
            Files.createDirectories(directory);
        }
        if (tls == null && tlsKey != null) {
            tls = CoreEmulator.sslContext(tlsKey, tlsChain);
        }
        // no executorService(): each SMTPServer makes its own, and shuts it down in stop()
        SMTPServer.Builder b = SMTPServer.port(port)
                .bindAddress(bindAddress)
                .hostName("localhost")
                .softwareName("Moat SMTP sink")
                .insertReceivedHeaders(false)
                .messageHandlerFactory(this::newHandler);
        if (tls != null) {
            SSLContext context = tls;
            b.enableTLS().startTlsSocketFactory(plain -> {
                // replies over TLS go out in several records: without this, Nagle's algorithm and the client's
                // delayed ACK hold each one back some 40 ms
                plain.setTcpNoDelay(true);
                SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket(plain,
                        plain.getInetAddress().getHostAddress(), plain.getPort(), true);
                secure.setUseClientMode(false);
                return secure;
            });
        }
        SMTPServer s = b.build();
        try {
            s.start();
        } catch (RuntimeException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        if (port == 0) {
            port = s.getPortAllocated();
        }
        server = s;
        return this;
    }

    /** Stops serving and closes open sessions. Received messages are kept. */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Whether the sink offers {@code STARTTLS}. */
    public boolean startTls() {
        return tls != null || tlsKey != null;
    }

    /** Whether the sink is serving. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** The bound port (the configured one before the first start). */
    public synchronized int port() {
        return port;
    }

    /** The messages received so far, oldest first (an immutable snapshot). */
    public List<ReceivedMail> messages() {
        return List.copyOf(messages);
    }

    /** Forgets the received messages (files already written stay). */
    public void clear() {
        messages.clear();
    }

    /**
     * The next {@code n} messages are refused at the end of {@code DATA} with {@code code} and {@code text} (e.g.
     * 451 for a temporary failure) and not kept. Replaces any rejection still pending.
     */
    /**
     * Refuses this recipient at RCPT with {@code code text} (e.g. 550 "5.1.1 user unknown") until
     * {@link #acceptRecipient} is called.
     */
    public void refuseRecipient(String address, int code, String text) {
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("need a 4xx or 5xx code");
        }
        refusedRecipients.put(address.toLowerCase(Locale.ROOT), code + " " + Objects.requireNonNull(text, "text"));
    }

    /** Takes this recipient again. */
    public void acceptRecipient(String address) {
        refusedRecipients.remove(address.toLowerCase(Locale.ROOT));
    }

    public void rejectNext(int n, int code, String text) {
        if (n < 0 || code < 400 || code > 599) {
            throw new IllegalArgumentException("need n >= 0 and a 4xx or 5xx code");
        }
        synchronized (rejections) {
            rejectCount = n;
            rejectCode = code;
            rejectText = Objects.requireNonNull(text, "text");
        }
    }

    /**
     * The rejection for the message that just arrived, or {@code null} to accept it. Guarded by its own lock, not
     * the sink's: {@link #stop()} holds that while it waits for the sessions, which come through here.
     */
    private RejectException takeRejection() {
        synchronized (rejections) {
            if (rejectCount == 0) {
                return null;
            }
            rejectCount--;
            return new RejectException(rejectCode, rejectText);
        }
    }

    private MessageHandler newHandler(MessageContext context) {
        return new MessageHandler() {
            private String from = "";
            private final List<String> recipients = new ArrayList<>();

            @Override
            public void from(String address) {
                from = address == null ? "" : address;
            }

            @Override
            public void recipient(String address) throws RejectException {
                String refusal = refusedRecipients.get(address.toLowerCase(Locale.ROOT));
                if (refusal != null) {
                    throw new RejectException(Integer.parseInt(refusal.substring(0, 3)), refusal.substring(4));
                }
                recipients.add(address);
            }

            @Override
            public String data(InputStream in) throws RejectException, IOException {
                byte[] data = in.readAllBytes(); // read it all, also when refusing: the session goes on
                RejectException rejection = takeRejection();
                if (rejection != null) {
                    throw rejection;
                }
                receive(new ReceivedMail(from, recipients, data, Instant.now()));
                return null;
            }

            @Override
            public void done() {
                // nothing held
            }
        };
    }

    private void receive(ReceivedMail mail) throws RejectException {
        if (directory != null) {
            Path file = directory.resolve(fileCounter.incrementAndGet() + "-" + FILE_TIME.format(mail.at()) + ".eml");
            try {
                Files.write(file, mail.data());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot write " + file + "; refusing the message with 451", e);
                throw new RejectException(451, "4.3.0 Cannot store the message");
            }
        }
        messages.add(mail);
        try {
            listener.accept(mail);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "message listener failed", e);
        }
    }

    /** Configuration of an {@link SmtpSink}. */
    public static final class Builder {
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private Path directory;
        private Consumer<ReceivedMail> listener = m -> {
        };
        private SSLContext tls;
        private Path tlsKey;
        private Path tlsChain;

        private Builder() {
        }

        /** Address to listen on; default 127.0.0.1 (the loopback address). */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Port to listen on; 0 (the default) picks a free one, see {@link SmtpSink#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Also write each message to {@code <n>-<timestamp>.eml} there; {@code null} (the default) for none. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /**
         * Offer {@code STARTTLS} with this private key and certificate chain (PEM files, read at the first
         * {@link SmtpSink#start()}; the same formats as {@link CoreEmulator.Builder#https(Path, Path)}: the key as
         * PKCS#8, the certificates leaf first). Replaces an earlier {@link #startTls(SSLContext)}.
         */
        public Builder startTls(Path privateKeyPem, Path certificateChainPem) {
            this.tlsKey = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            this.tlsChain = Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            this.tls = null;
            return this;
        }

        /** Offer {@code STARTTLS} with this server context. Replaces an earlier {@link #startTls(Path, Path)}. */
        public Builder startTls(SSLContext context) {
            this.tls = Objects.requireNonNull(context, "context");
            this.tlsKey = null;
            this.tlsChain = null;
            return this;
        }

        /** Called after each accepted message (on the session's thread; must not block). */
        public Builder onMessage(Consumer<ReceivedMail> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** A new, not yet started sink. */
        public SmtpSink build() {
            return new SmtpSink(this);
        }
    }
}
