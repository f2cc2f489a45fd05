package io.moat.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which module and which package may use which, over the compiled classes of every product module. The allowed
 * directions are the module graph of {@code docs/architecture.md}: a change that adds a forbidden import fails here,
 * with the offending class and line in the message.
 */
class ArchitectureTest {

    /**
     * Every module that is deployed, by its folder (moat-jdbc as a WildFly module); moat-devtools is read too, to
     * check nothing uses it.
     */
    private static final List<String> MODULES = List.of("gateway-tls", "gateway-persistence", "gateway-core-client",
            "gateway-smtp-api", "gateway-smtp", "gateway-smtp-client", "gateway-mime", "gateway-settings",
            "gateway-delivery",
            "gateway-web", "gateway-webhook", "moat-jdbc", "moat-devtools");

    /** The pipeline's rooms: used by nothing outside gateway-delivery. */
    private static final String[] DELIVERY_ROOMS = {"io.moat.delivery.intake..", "io.moat.delivery.pipeline..",
            "io.moat.delivery.commit..", "io.moat.delivery.scan..", "io.moat.delivery.outbound..",
            "io.moat.delivery.dsn..", "io.moat.delivery.marks..", "io.moat.delivery.notify..",
            "io.moat.delivery.quarantine..", "io.moat.delivery.links..", "io.moat.delivery.tokens.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        ClassFileImporter importer = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS);
        List<Path> folders = MODULES.stream().map(m -> root.resolve(m).resolve("target/classes")).toList();
        for (Path folder : folders) {
            // a module that was not built would make every rule pass over nothing
            try (Stream<Path> files = Files.exists(folder) ? Files.walk(folder) : Stream.empty()) {
                assertThat(files.anyMatch(f -> f.toString().endsWith(".class")))
                        .as("compiled classes in %s (build the modules first: ./mvnw verify)", folder).isTrue();
            }
        }
        classes = importer.importPaths(folders);
    }

    @Test
    void modulesDependOnlyDownTheModuleGraph() {
        moduleGraph().check(classes);
    }

    static ArchRule moduleGraph() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("web").definedBy("io.moat.web..")
                .layer("webhook").definedBy("io.moat.webhook..")
                .layer("delivery").definedBy("io.moat.delivery..")
                .layer("settings").definedBy("io.moat.settings..")
                .layer("mime").definedBy("io.moat.mime..")
                .layer("smtp adapter").definedBy("io.moat.smtp", "io.moat.smtp.internal..")
                .layer("smtp api").definedBy("io.moat.smtp.api..")
                .layer("smtp client").definedBy("io.moat.smtp.client..")
                .layer("core client").definedBy("io.moat.core..")
                .layer("persistence").definedBy("io.moat.persistence..")
                .layer("tls").definedBy("io.moat.tls..")
                .layer("jdbc").definedBy("io.moat.jdbc..")
                .layer("devtools").definedBy("io.moat.devtools..")
                .whereLayer("web").mayNotBeAccessedByAnyLayer()
                .whereLayer("webhook").mayNotBeAccessedByAnyLayer()
                // the console and REST API through the faces; the webhook receiver through CoreCallbacks
                .whereLayer("delivery").mayOnlyBeAccessedByLayers("web", "webhook")
                .whereLayer("settings").mayOnlyBeAccessedByLayers("delivery", "web")
                .whereLayer("mime").mayOnlyBeAccessedByLayers("delivery")
                // the resource adapter is reached through its API only (and the container)
                .whereLayer("smtp adapter").mayNotBeAccessedByAnyLayer()
                .whereLayer("smtp api").mayOnlyBeAccessedByLayers("smtp adapter", "smtp client", "settings", "delivery",
                        "web")
                // the outbound client (ADR 28): the profiles build its endpoints, the pipeline delivers through it
                .whereLayer("smtp client").mayOnlyBeAccessedByLayers("settings", "delivery")
                .whereLayer("core client").mayOnlyBeAccessedByLayers("settings", "delivery")
                .whereLayer("persistence").mayOnlyBeAccessedByLayers("settings", "delivery", "web")
                // an endpoint's configuration carries its TLS context
                .whereLayer("tls").mayOnlyBeAccessedByLayers("core client", "smtp api", "smtp adapter", "smtp client",
                        "settings", "delivery", "web")
                // the datasource's driver, a server module: the application reaches it through MoatDS only
                .whereLayer("jdbc").mayNotBeAccessedByAnyLayer()
                // test and demo code: the product never depends on it
                .whereLayer("devtools").mayNotBeAccessedByAnyLayer();
    }

    @Test
    void noModuleUsesAnotherModulesInternalPackages() {
        for (ArchRule rule : internalPackagesStayInside()) {
            rule.check(classes);
        }
    }

    static List<ArchRule> internalPackagesStayInside() {
        return List.of("io.moat.tls", "io.moat.core", "io.moat.smtp", "io.moat.smtp.client", "io.moat.web",
                "io.moat.settings", "io.moat.delivery", "io.moat.persistence", "io.moat.mime").stream()
                .map(module -> (ArchRule) noClasses().that().resideOutsideOfPackage(module + "..").should()
                        .dependOnClassesThat().resideInAPackage(module + ".internal..")
                        .because("internal packages are a module's implementation"))
                .toList();
    }

    @Test
    void thePipelinesRoomsAreUsedOnlyInsideTheDeliveryModule() {
        roomsStayInside().check(classes);
    }

    static ArchRule roomsStayInside() {
        return noClasses().that().resideOutsideOfPackage("io.moat.delivery..").should().dependOnClassesThat()
                .resideInAnyPackage(DELIVERY_ROOMS)
                .because("other modules see io.moat.delivery only: the start-up, the query and retry services");
    }

    @Test
    void thePipelinesRoomsPointOneWay() {
        // intake hands over to the pipeline; the pipeline uses scan, marks, outbound, dsn, notify and commit; those use
        // none of the others, and no room uses the module's face
        noClasses().that().resideInAnyPackage("io.moat.delivery.commit..", "io.moat.delivery.scan..",
                "io.moat.delivery.outbound..", "io.moat.delivery.dsn..", "io.moat.delivery.marks..",
                "io.moat.delivery.notify..").should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.moat.delivery", "io.moat.delivery.intake..", "io.moat.delivery.pipeline..")
                .check(classes);
        noClasses().that().resideInAnyPackage("io.moat.delivery.commit..").should().dependOnClassesThat()
                .resideInAnyPackage("io.moat.delivery.scan..", "io.moat.delivery.outbound..",
                        "io.moat.delivery.dsn..", "io.moat.delivery.marks..", "io.moat.delivery.notify..")
                .check(classes);
        noClasses().that().resideInAnyPackage("io.moat.delivery.scan..", "io.moat.delivery.outbound..",
                "io.moat.delivery.dsn..", "io.moat.delivery.marks..", "io.moat.delivery.notify..").should()
                .dependOnClassesThat().resideInAnyPackage("io.moat.delivery.commit..")
                .check(classes);
        String[] leaves = {"scan", "outbound", "dsn", "marks", "notify"};
        for (String room : leaves) {
            for (String other : leaves) {
                if (!room.equals(other)) {
                    noClasses().that().resideInAPackage("io.moat.delivery." + room + "..").should()
                            .dependOnClassesThat().resideInAPackage("io.moat.delivery." + other + "..")
                            .check(classes);
                }
            }
        }
        noClasses().that().resideInAPackage("io.moat.delivery.pipeline..").should().dependOnClassesThat()
                .resideInAnyPackage("io.moat.delivery", "io.moat.delivery.intake..").check(classes);
        // the quarantine's actions hand records back to the pipeline; nothing on the message's path calls them
        noClasses().that().resideInAPackage("io.moat.delivery.quarantine..").should().dependOnClassesThat()
                .resideInAnyPackage("io.moat.delivery", "io.moat.delivery.intake..").check(classes);
        noClasses().that().resideInAnyPackage("io.moat.delivery.intake..", "io.moat.delivery.pipeline..",
                "io.moat.delivery.commit..", "io.moat.delivery.scan..", "io.moat.delivery.outbound..",
                "io.moat.delivery.dsn..", "io.moat.delivery.marks..").should().dependOnClassesThat()
                .resideInAPackage("io.moat.delivery.quarantine..").check(classes);
        noClasses().that().resideInAPackage("io.moat.delivery.intake..").should().dependOnClassesThat()
                .resideInAPackage("io.moat.delivery").check(classes);
        // the rescan page's links: tokens and their records, and the notifier's seam (RescanLinks) implemented; the
        // face asks the quarantine for the rescan; nothing on the message's path, in the notifier or in the
        // quarantine knows the links (the notifier gets them through its seam)
        noClasses().that().resideInAPackage("io.moat.delivery.links..").should().dependOnClassesThat()
                .resideInAnyPackage("io.moat.delivery", "io.moat.delivery.intake..", "io.moat.delivery.pipeline..",
                        "io.moat.delivery.quarantine..")
                .check(classes);
        noClasses().that().resideInAnyPackage("io.moat.delivery.intake..", "io.moat.delivery.pipeline..",
                "io.moat.delivery.commit..", "io.moat.delivery.scan..", "io.moat.delivery.outbound..",
                "io.moat.delivery.dsn..", "io.moat.delivery.marks..", "io.moat.delivery.notify..",
                "io.moat.delivery.quarantine..").should()
                .dependOnClassesThat().resideInAPackage("io.moat.delivery.links..").check(classes);
    }

    @Test
    void theWebModuleSeesNoRepositoryAndNoEntity() {
        webSeesNoRepository().check(classes);
    }

    static ArchRule webSeesNoRepository() {
        return noClasses().that().resideInAPackage("io.moat.web..").should().dependOnClassesThat()
                .haveSimpleNameEndingWith("Repository").orShould().dependOnClassesThat()
                .areAnnotatedWith("jakarta.persistence.Entity")
                .because("the web module reads through MessageQueries and writes through the services");
    }

    @Test
    void theRulesCatchAForbiddenImport() {
        // classes made to break the rules (the packages named forbidden under src/test/java):
        // a rule that cannot fail would let them through
        JavaClasses forbidden = new ClassFileImporter().importPackages("io.moat.web.forbidden",
                "io.moat.delivery.pipeline.forbidden", "io.moat.persistence.forbidden", "io.moat.mime.forbidden",
                "io.moat.tls.internal.forbidden");
        assertThatThrownBy(() -> roomsStayInside().check(forbidden)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("io.moat.web.forbidden.UsesThePipeline");
        assertThatThrownBy(() -> webSeesNoRepository().check(forbidden)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("io.moat.web.forbidden.UsesARepository");
        assertThatThrownBy(() -> moduleGraph().check(forbidden)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("io.moat.mime.forbidden.UsesPersistence");
        assertThatThrownBy(() -> internalPackagesStayInside().forEach(rule -> rule.check(forbidden)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("io.moat.web.forbidden.UsesTlsInternals");
    }

    @Test
    void theSettingsPackagesDoNotReachIntoEachOther() {
        // certificates are used by profiles, endpoints and the console; nothing else crosses between them
        noClasses().that().resideInAPackage("io.moat.settings.certificates..").should().dependOnClassesThat()
                .resideInAnyPackage("io.moat.settings.profiles..", "io.moat.settings.endpoints..",
                        "io.moat.settings.console..")
                .check(classes);
        noClasses().that().resideInAPackage("io.moat.settings.profiles..").should().dependOnClassesThat()
                .resideInAnyPackage("io.moat.settings.endpoints..", "io.moat.settings.console..").check(classes);
        noClasses().that().resideInAPackage("io.moat.settings.endpoints..").should().dependOnClassesThat()
                .resideInAnyPackage("io.moat.settings.profiles..", "io.moat.settings.console..").check(classes);
        // the security rules name profiles; nothing of the settings depends on the rules
        noClasses().that().resideInAnyPackage("io.moat.settings.certificates..", "io.moat.settings.profiles..",
                "io.moat.settings.endpoints..", "io.moat.settings.console..",
                "io.moat.settings.notifications..").should().dependOnClassesThat()
                .resideInAPackage("io.moat.settings.rules..").check(classes);
        // the notifications name a profile too; nothing of the settings depends on them, and they on nothing but the
        // profiles
        noClasses().that().resideInAnyPackage("io.moat.settings.certificates..", "io.moat.settings.profiles..",
                "io.moat.settings.endpoints..", "io.moat.settings.console..", "io.moat.settings.rules..").should()
                .dependOnClassesThat().resideInAPackage("io.moat.settings.notifications..").check(classes);
        noClasses().that().resideInAPackage("io.moat.settings.notifications..").should().dependOnClassesThat()
                .resideInAnyPackage("io.moat.settings.certificates..", "io.moat.settings.endpoints..",
                        "io.moat.settings.console..")
                .check(classes);
    }
}
