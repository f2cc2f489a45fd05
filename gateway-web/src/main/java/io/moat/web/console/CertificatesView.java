package io.moat.web.console;

import io.moat.settings.RefusedException;
import io.moat.settings.certificates.CertificateInput;
import io.moat.settings.certificates.CertificateStore;
import io.moat.web.CertificateDto;
import io.moat.web.internal.CertificateAssembler;
import io.moat.web.internal.CertificateFormInput;
import io.moat.web.internal.CertificateFormInput.Field;
import io.moat.web.internal.CertificateFormInput.Given;
import io.moat.web.internal.CertificateFormInput.Incomplete;
import io.moat.web.internal.CertificateFormInput.Upload;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Settings > Certificates: the stored key/certificate pairs as the API shows them, and (for the admin) adding,
 * replacing and deleting them through the certificate store, which validates. A refused pair stays in the form,
 * uploads included, with the store's words next to the part they concern.
 */
@Named("certificates")
@ViewScoped
public class CertificatesView implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String FORM = "cert-form:";

    @Inject
    CertificateStore store;

    private transient List<CertificateDto> entries;

    private final CertificateFormInput form = new CertificateFormInput();
    private String name;
    private String keyPem;
    private String chainPem;
    private transient String passphrase;
    private transient Part keyFile;
    private transient Part chainFile;
    private transient Part combinedFile;

    /** The id of the pair the form replaces; {@code null} while it adds one. */
    private String replacing;
    private String replacingName;
    /** The id of the pair whose deletion waits for a second click. */
    private String deleting;

    public List<CertificateDto> getEntries() {
        if (entries == null) {
            entries = store.list().stream().map(CertificateAssembler::dto).toList();
        }
        return entries;
    }

    @AdminOnly
    public String add() {
        return store(null);
    }

    @AdminOnly
    public String replace() {
        return store(replacing);
    }

    /** Turns the form into "replace" for this pair: same id, so everything using it takes the new key and chain. */
    public void startReplace(CertificateDto entry) {
        replacing = entry.id();
        replacingName = entry.name();
        name = entry.name();
        keyPem = null;
        chainPem = null;
        deleting = null;
        form.clear();
    }

    /** Starts over: an empty form for a new pair, nothing kept. */
    public String startOver() {
        form.clear();
        return self();
    }

    /** The first click on Delete: the row asks "Really delete X?". */
    public void askDelete(CertificateDto entry) {
        deleting = entry.id();
    }

    public void cancelDelete() {
        deleting = null;
    }

    @AdminOnly
    public String delete() {
        CertificateDto entry = entry(deleting);
        deleting = null;
        if (entry == null) {
            Feedback.error("That certificate no longer exists; the list below is up to date.");
            entries = null;
            return null;
        }
        try {
            store.delete(entry.id());
        } catch (RefusedException e) {
            Feedback.refused(null, e);
            entries = null;
            return null;
        }
        Feedback.done("Deleted certificate '" + entry.name() + "'.");
        Feedback.keepOverRedirect();
        return self();
    }

    private String store(String id) {
        try {
            CertificateInput input = form.input(name, given(keyFile, keyPem, Field.KEY),
                    given(chainFile, chainPem, Field.CHAIN),
                    upload(combinedFile, Field.COMBINED),
                    passphrase == null || passphrase.isEmpty() ? null : passphrase.toCharArray());
            CertificateStore.Entry stored = id == null ? store.add(input) : store.replace(id, input);
            CertificateDto dto = CertificateAssembler.dto(stored);
            Feedback.done((id == null ? "Added" : "Replaced") + " certificate '" + dto.name() + "' ("
                    + dto.subject() + ", valid until " + Formats.utc(dto.notAfter()) + ")"
                    + (id == null ? "." : "; everything using it now serves the new one."));
            dto.warnings().forEach(Feedback::warn);
            form.clear();
            Feedback.keepOverRedirect();
            return self();
        } catch (Incomplete e) {
            Feedback.error(FORM + fieldOf(e.field()), e.getMessage());
            notStored(id);
        } catch (RefusedException e) {
            if (e.reason() == RefusedException.Reason.INVALID) {
                Feedback.error(FORM + fieldOf(form.fieldOf(e.getMessage())),
                        CertificateFormInput.explain(e.getMessage()));
                notStored(id);
            } else {
                Feedback.refused(null, e);
            }
        } finally {
            passphrase = null;
            keyFile = null;
            chainFile = null;
            combinedFile = null;
        }
        entries = null;
        return null;
    }

    private static void notStored(String id) {
        Feedback.error("The certificate was not " + (id == null ? "added" : "replaced")
                + ": see the message at the field below, correct it and send the form again.");
    }

    private Given given(Part file, String pasted, Field field) throws Incomplete {
        return new Given(upload(file, field), pasted);
    }

    private static Upload upload(Part file, Field field) throws Incomplete {
        if (file == null || file.getSize() == 0 && (file.getSubmittedFileName() == null
                || file.getSubmittedFileName().isEmpty())) {
            return null;
        }
        try (InputStream in = file.getInputStream()) {
            return Upload.of(file.getSubmittedFileName(), in.readNBytes(CertificateFormInput.MAX_UPLOAD_BYTES + 1));
        } catch (Incomplete e) {
            throw new Incomplete(field, e.getMessage());
        } catch (IOException e) {
            throw new Incomplete(field, "The file '" + file.getSubmittedFileName() + "' could not be read ("
                    + e.getMessage() + "); choose it again.");
        }
    }

    private static String fieldOf(Field field) {
        return switch (field) {
            case KEY -> "cert-key-file";
            case CHAIN -> "cert-chain-file";
            case COMBINED -> "cert-combined-file";
        };
    }

    private CertificateDto entry(String id) {
        return id == null ? null : getEntries().stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
    }

    /** This page again, as a new view (post-redirect-get: reloading does not send the form twice). */
    private static String self() {
        return FacesContext.getCurrentInstance().getViewRoot().getViewId() + "?faces-redirect=true";
    }

    /** "in 12 days", "in 3 hours", "expired 2 days ago". */
    public String fromNow(Instant instant) {
        if (instant == null) {
            return "";
        }
        Duration left = Duration.between(Instant.now(), instant);
        Duration size = left.abs();
        String amount = size.toDays() >= 2
                ? size.toDays() + " days"
                : size.toHours() >= 2 ? size.toHours() + " hours" : Math.max(1, size.toMinutes()) + " minutes";
        return left.isNegative() ? "expired " + amount + " ago" : "in " + amount;
    }

    public boolean isReplacing() {
        return replacing != null;
    }

    public String getReplacingName() {
        return replacingName;
    }

    public String getDeleting() {
        return deleting;
    }

    public Upload getKeptKey() {
        return form.keptKey();
    }

    public Upload getKeptChain() {
        return form.keptChain();
    }

    public Upload getKeptCombined() {
        return form.keptCombined();
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKeyPem() {
        return keyPem;
    }

    public void setKeyPem(String keyPem) {
        this.keyPem = keyPem;
    }

    public String getChainPem() {
        return chainPem;
    }

    public void setChainPem(String chainPem) {
        this.chainPem = chainPem;
    }

    /** Never shown again: the field stays empty after each try. */
    public String getPassphrase() {
        return null;
    }

    public void setPassphrase(String passphrase) {
        this.passphrase = passphrase;
    }

    public Part getKeyFile() {
        return keyFile;
    }

    public void setKeyFile(Part keyFile) {
        this.keyFile = keyFile;
    }

    public Part getChainFile() {
        return chainFile;
    }

    public void setChainFile(Part chainFile) {
        this.chainFile = chainFile;
    }

    public Part getCombinedFile() {
        return combinedFile;
    }

    public void setCombinedFile(Part combinedFile) {
        this.combinedFile = combinedFile;
    }
}
