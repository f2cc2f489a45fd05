package io.moat.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.persistence.SettingsGenerationRepository;
import io.moat.settings.certificates.CertificateStore;
import io.moat.settings.certificates.TrustStoreService;
import io.moat.settings.console.ConsoleTlsService;
import io.moat.settings.console.ConsoleTlsService.ConsoleTls;
import io.moat.settings.endpoints.SmtpEndpointService;
import io.moat.settings.profiles.ServerProfileService;
import io.moat.settings.profiles.WebhookListener.Listening;
import io.moat.settings.rules.SecurityRuleService;
import io.moat.settings.webhook.WebhookListenerService;
import io.moat.tls.DigitalId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SettingsWatcherTest {

    private final AtomicLong generation = new AtomicLong(7);
    private final List<String> applied = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SettingsWatcher watcher = new SettingsWatcher();
    private ConsoleTls console = new ConsoleTls(false, null, List.of());
    private RuntimeException endpointsFail;

    @BeforeEach
    void wire() {
        watcher.generation = new SettingsGenerationRepository() {
            @Override
            public long current() {
                return generation.get();
            }
        };
        watcher.rules = new SecurityRuleService() {
            @Override
            public void refresh() {
                applied.add("rules");
            }
        };
        watcher.profiles = new ServerProfileService() {
            @Override
            public void refresh() {
                applied.add("profiles");
            }

            @Override
            public Optional<Listening> webhookListening() {
                return Optional.empty();
            }
        };
        watcher.general = new GeneralSettingsService() {
            @Override
            public void refresh() {
                applied.add("general");
            }
        };
        watcher.trust = new TrustStoreService() {
            @Override
            public void changed() {
                applied.add("trust");
            }
        };
        watcher.endpoints = new SmtpEndpointService() {
            @Override
            public synchronized void reconcile() {
                if (endpointsFail != null) {
                    throw endpointsFail;
                }
                applied.add("endpoints");
            }
        };
        watcher.certificates = new CertificateStore() {
            @Override
            public Optional<DigitalId> digitalId(String id) {
                return Optional.empty();
            }
        };
        watcher.consoleTls = new ConsoleTlsService() {
            @Override
            public ConsoleTls get() {
                return console;
            }

            @Override
            public synchronized void reconcile() {
                applied.add("console");
            }
        };
        watcher.webhookListener = new WebhookListenerService() {
            @Override
            public synchronized void reconcile() {
                applied.add("webhook");
            }
        };
        watcher.start(scheduler, watcher.generation());
    }

    @AfterEach
    void stop() {
        watcher.stop();
        scheduler.shutdownNow();
    }

    @Test
    void nothingIsAppliedWhileTheGenerationStaysPut() {
        watcher.look();
        watcher.look();

        assertThat(applied).isEmpty();
    }

    @Test
    void aNewGenerationAppliesEverythingOnceAndTheListenersOnlyWhereTheirSettingChanged() {
        generation.incrementAndGet();
        watcher.look();
        watcher.look();

        assertThat(applied).containsExactly("rules", "profiles", "general", "trust", "endpoints");

        applied.clear();
        console = new ConsoleTls(true, "digital-id", List.of("TLSv1.3")); // console HTTPS switched on elsewhere
        generation.incrementAndGet();
        watcher.look();
        assertThat(applied).containsExactly("rules", "profiles", "general", "trust", "endpoints", "console");

        applied.clear();
        generation.incrementAndGet();
        watcher.look();
        assertThat(applied).doesNotContain("console", "webhook");
    }

    @Test
    void whatCouldNotBeAppliedIsTriedAgainAtTheNextLook() {
        endpointsFail = new IllegalStateException("the adapter is restarting");
        generation.incrementAndGet();
        watcher.look();
        assertThat(applied).doesNotContain("endpoints");

        endpointsFail = null;
        watcher.look();
        assertThat(applied).contains("endpoints");
    }
}
