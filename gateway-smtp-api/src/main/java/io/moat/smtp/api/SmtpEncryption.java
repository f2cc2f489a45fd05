package io.moat.smtp.api;

/** How an SMTP endpoint uses TLS (RFC 3207 STARTTLS, RFC 8314 implicit TLS). */
public enum SmtpEncryption {
    /** Clear text only: STARTTLS is neither advertised nor accepted. */
    NONE,
    /** STARTTLS advertised; clients may also stay in clear text. */
    STARTTLS_OPTIONAL,
    /** STARTTLS advertised; MAIL, RCPT, DATA and AUTH are refused before it ({@code 530 5.7.0}). */
    STARTTLS_REQUIRED,
    /** The TLS handshake comes first; a client speaking clear text is dropped. */
    IMPLICIT_TLS
}
