package io.moat.web.console;

import io.moat.delivery.MessageDetailDto;
import io.moat.delivery.MessageQueries;
import io.moat.delivery.MessageRetryService;
import io.moat.settings.RefusedException;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;

/** One message: envelope, client and TLS in, each attachment's verdict, each delivery attempt and TLS out. */
@Named("message")
@ViewScoped
public class MessageView implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    MessageQueries reader;

    @Inject
    MessageRetryService retries;

    private String id;
    private transient MessageDetailDto detail;

    public MessageDetailDto getDetail() {
        if (detail == null && id != null) {
            detail = reader.detail(id).orElse(null);
        }
        return detail;
    }

    /** Makes a DEFERRED message due now; the pipeline takes it within a moment. */
    @AdminOnly
    public void retryNow() {
        try {
            retries.retryNow(id);
            Feedback.done("Retrying now: the message is due at once and the pipeline takes it within a few seconds."
                    + " Reload to see the attempt.");
        } catch (RefusedException e) {
            Feedback.refused(null, e);
        }
        detail = null;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }
}
