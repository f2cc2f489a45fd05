package io.moat.smtp.client;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a message's text as it is: the stream it is given stuffs dots and ends lines in CRLF (RFC 5321 4.5.2). An
 * exception stops the transaction before its end of data, so the server discards what it got.
 */
@FunctionalInterface
public interface MessageText {

    void writeTo(OutputStream out) throws IOException;
}
