package io.moat.web.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A server side's TLS as the console picks it, wherever the gateway serves TLS (console HTTPS, an SMTP endpoint, the
 * webhook listener): a stored certificate (Settings › Certificates) and the TLS versions ticked. The services check
 * both; this only holds what the page posts, an empty choice of certificate read as none.
 */
public final class TlsChoice implements Serializable {

    private static final long serialVersionUID = 1L;

    private String certificateId;
    private List<String> protocols;

    public TlsChoice(String certificateId, List<String> protocols) {
        this.certificateId = certificateId;
        setProtocols(protocols);
    }

    /** The certificate chosen, or null for none (the page's empty option). */
    public String certificate() {
        return TextLists.stripped(certificateId);
    }

    public String getCertificateId() {
        return certificateId;
    }

    public void setCertificateId(String certificateId) {
        this.certificateId = certificateId;
    }

    /** The versions ticked, in the page's order; empty when none is. */
    public List<String> getProtocols() {
        return protocols;
    }

    public void setProtocols(List<String> protocols) {
        this.protocols = protocols == null ? new ArrayList<>() : new ArrayList<>(protocols);
    }
}
