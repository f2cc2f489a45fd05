package io.moat.web;

import io.moat.delivery.Quarantine;
import io.moat.settings.GeneralSettingsService;
import io.moat.settings.RescanPageSettings;
import io.moat.settings.RescanPageSettingsService;
import io.moat.settings.RetentionSettings;
import io.moat.settings.RetentionSettingsService;
import io.moat.settings.certificates.TrustStoreService;
import io.moat.settings.console.ConsoleTlsService;
import io.moat.settings.console.ConsoleTlsService.ConsoleTls;
import io.moat.settings.notifications.NotificationSettingsService;
import io.moat.web.internal.NotificationSettingsAssembler;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Runtime settings: Settings > General, Security, Retention, Notifications and Rescan page. */
@Path("/settings")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequestScoped
public class SettingsResource {

    @Inject
    ConsoleTlsService consoleTls;

    @Inject
    GeneralSettingsService general;

    @Inject
    TrustStoreService trust;

    @Inject
    RetentionSettingsService retention;

    @Inject
    Quarantine quarantine;

    @Inject
    NotificationSettingsService notifications;

    @Inject
    RescanPageSettingsService rescanPage;

    @GET
    @Path("/security/console-tls")
    public ConsoleTlsDto consoleTls() {
        return dto(consoleTls.get());
    }

    /** Turns console HTTPS on or off, or changes its certificate or versions; applies at once, no restart. */
    @PUT
    @Path("/security/console-tls")
    public ConsoleTlsDto setConsoleTls(ConsoleTlsDto body) {
        if (body == null || body.enabled() == null) {
            throw new ProblemException(400, "Missing setting", "Send {\"enabled\": true|false, \"certificateId\":"
                    + " \"...\", \"protocols\": [\"TLSv1.2\", \"TLSv1.3\"]}.");
        }
        return dto(consoleTls.set(new ConsoleTls(body.enabled(), body.certificateId(),
                body.protocols())));
    }

    @GET
    @Path("/general")
    public GeneralSettingsDto general() {
        return new GeneralSettingsDto(general.publicAddress().toString());
    }

    @PUT
    @Path("/general")
    public GeneralSettingsDto setGeneral(GeneralSettingsDto body) {
        if (body == null) {
            throw new ProblemException(400, "Missing setting",
                    "Send {\"publicAddress\": \"https://mail.example.com\"}.");
        }
        return new GeneralSettingsDto(general.setPublicAddress(body.publicAddress()).toString());
    }

    @GET
    @Path("/retention")
    public RetentionSettingsDto retention() {
        return dto(retention.get());
    }

    /** How long the quarantine, failed mail's spool files and handled mail's records are kept. */
    @PUT
    @Path("/retention")
    public RetentionSettingsDto setRetention(RetentionSettingsDto body) {
        if (body == null) {
            throw new ProblemException(400, "Missing setting", "Send {\"quarantine\": \"P30D\", \"spoolFiles\":"
                    + " \"P7D\", \"records\": \"P90D\"} (ISO-8601 durations; omitted: unchanged).");
        }
        return dto(retention.put(body.quarantine(), body.spoolFiles(), body.records()));
    }

    /** Runs the retention purge now and says what it removed (it also runs every moat.retention.interval). */
    @POST
    @Path("/retention/purge")
    @Consumes(MediaType.WILDCARD)
    public Quarantine.PurgedDto purge() {
        return quarantine.purgeNow();
    }

    private static RetentionSettingsDto dto(RetentionSettings r) {
        return new RetentionSettingsDto(r.quarantine().toString(), r.spoolFiles().toString(), r.records().toString());
    }

    @GET
    @Path("/rescan-page")
    public RescanPageSettingsDto rescanPage() {
        return dto(rescanPage.get());
    }

    /** How long a rescan link works and how many passwords it takes; applies to the next link and password. */
    @PUT
    @Path("/rescan-page")
    public RescanPageSettingsDto setRescanPage(RescanPageSettingsDto body) {
        if (body == null) {
            throw new ProblemException(400, "Missing setting", "Send {\"linkValidity\": \"P7D\","
                    + " \"maxWrongPasswords\": 5} (an ISO-8601 duration, a number; omitted: unchanged).");
        }
        return dto(rescanPage.put(body.linkValidity(), body.maxWrongPasswords()));
    }

    private static RescanPageSettingsDto dto(RescanPageSettings s) {
        return new RescanPageSettingsDto(s.linkValidity().toString(), s.maxWrongPasswords());
    }

    /** Whether the JVM's default CAs are trusted for outbound TLS besides the gateway's trust store. */
    @GET
    @Path("/trust")
    public TrustSettingsDto trust() {
        return new TrustSettingsDto(trust.jvmDefaultCas());
    }

    @PUT
    @Path("/trust")
    public TrustSettingsDto setTrust(TrustSettingsDto body) {
        if (body == null || body.jvmDefaultCas() == null) {
            throw new ProblemException(400, "Missing setting", "Send {\"jvmDefaultCas\": true|false}.");
        }
        trust.jvmDefaultCas(body.jvmDefaultCas());
        return new TrustSettingsDto(trust.jvmDefaultCas());
    }

    /** Who is told by mail when a message is held, in which words, through which profile. */
    @GET
    @Path("/notifications")
    public NotificationSettingsDto notifications() {
        return NotificationSettingsAssembler.dto(notifications.get());
    }

    /** Replaces the notification settings (omitted fields take their defaults); a wrong field is a 400 naming it. */
    @PUT
    @Path("/notifications")
    public NotificationSettingsDto setNotifications(NotificationSettingsDto body) {
        return NotificationSettingsAssembler.dto(notifications.put(NotificationSettingsAssembler.input(body)));
    }

    private static ConsoleTlsDto dto(ConsoleTls tls) {
        return new ConsoleTlsDto(tls.enabled(), tls.certificateId(), tls.protocols());
    }
}
