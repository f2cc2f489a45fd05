package io.moat.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One HTTP/1.1 exchange with one Core server: what {@link HttpCoreClient} needs of HTTP. Its implementations are
 * compared in ADR 0026.
 */
interface CoreExchange {

    /** The largest answer read: Core answers with small JSON documents. */
    int MAX_ANSWER = 16 * 1024 * 1024;

    /**
     * Sends a request and reads its answer.
     *
     * @param method {@code GET} or {@code POST}
     * @param path the path below the base URI, already encoded, e.g. {@code /file/abc}
     * @param headers name and value pairs; values must be single-line printable text
     * @param body the body, or null for none
     * @throws java.net.SocketTimeoutException if connecting, writing the request or the answer took longer than the
     *         timeout
     * @throws java.net.ConnectException if the server could not be reached
     * @throws IOException if the exchange failed otherwise or the answer was not HTTP
     * @throws IllegalArgumentException if a header holds a control character (nothing is sent)
     */
    Answer exchange(String method, String path, List<String> headers, Body body) throws IOException;

    /** An answer's status and its body as text (UTF-8). */
    record Answer(int status, String body) {
    }

    /**
     * Sends a {@code GET} and streams a successful (2xx) answer's body into {@code target} (created or replaced), at
     * most {@code maxBytes} of it; any other answer's body is read as text, as {@link #exchange} reads it. The target
     * is removed again if the body is larger or the exchange fails while it is written.
     *
     * @throws java.net.SocketTimeoutException if connecting, writing the request or the answer took longer than the
     *         timeout
     * @throws java.net.ConnectException if the server could not be reached
     * @throws IOException if the exchange failed otherwise, or {@code target} cannot be written
     */
    default Download download(String path, List<String> headers, Path target, long maxBytes) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not download files");
    }

    /**
     * The answer to {@link #download}: its status; for 2xx the bytes written ({@code -1}: more than allowed, none
     * kept), else the body as text.
     */
    record Download(int status, long written, String text) {

        /** Whether the body was larger than allowed (and not kept). */
        boolean tooLarge() {
            return status >= 200 && status < 300 && written < 0;
        }
    }

    /** A request body of known length. */
    interface Body {

        long length();

        /** Writes exactly {@link #length()} bytes. */
        void writeTo(OutputStream out) throws IOException;

        /**
         * A file's bytes, as many as it has now, streamed from the file in 16 KiB pieces when sent.
         *
         * @throws IOException if its size cannot be read
         */
        static Body of(Path file) throws IOException {
            long length = Files.size(file);
            return new Body() {
                @Override
                public long length() {
                    return length;
                }

                @Override
                public void writeTo(OutputStream out) throws IOException {
                    try (InputStream in = Files.newInputStream(file)) {
                        byte[] buffer = new byte[16 * 1024];
                        long left = length;
                        while (left > 0) {
                            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                            if (n < 0) {
                                throw new IOException("the file to submit became shorter while it was sent: " + file);
                            }
                            out.write(buffer, 0, n);
                            left -= n;
                        }
                    }
                }
            };
        }

        /** A body held in memory. */
        static Body of(byte[] content) {
            return new Body() {
                @Override
                public long length() {
                    return content.length;
                }

                @Override
                public void writeTo(OutputStream out) throws IOException {
                    out.write(content);
                }
            };
        }
    }

    /**
     * A header name or value as it may be sent; the text itself is never quoted (it may be the API key).
     *
     * @throws IllegalArgumentException if it holds a control character or a character outside ISO-8859-1
     */
    static String checked(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if ((ch < 0x20 && ch != '\t') || ch == 0x7F || ch > 0xFF) {
                throw new IllegalArgumentException("a header of the request to Core holds a control character or"
                        + " a character outside ISO-8859-1 at position " + i);
            }
        }
        return text;
    }
}
