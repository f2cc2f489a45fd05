package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's sign-in, roles, session and CSRF defences, over plain HTTP against the shared IT server (which has
 * an auditor and a 20 s session timeout, see gateway-it/pom.xml).
 */
class ConsoleSecurityIT {

    private static final String BASE = "http://localhost:" + TestBed.HTTP_PORT;
    private static final String AUDITOR_PASSWORD = System.getProperty("it.auditor.password", "it-auditor-secret");
    private static final Pattern VIEW_STATE = Pattern.compile(
            "name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]+)\"");

    @BeforeAll
    static void up() {
        TestBed.up();
    }

    @Test
    void consolePagesNeedASignInThatLeadsBackToThem() throws Exception {
        Console console = new Console();
        HttpResponse<String> page = console.get("/settings/security.xhtml");
        assertThat(page.statusCode()).isEqualTo(302);
        // redirects are relative: never made absolute from the request's Host header, which a client chooses
        assertThat(page.headers().firstValue("Location").orElseThrow())
                .isEqualTo("/login.xhtml?next=%2Fsettings%2Fsecurity.xhtml");
        HttpResponse<String> signedIn = console.signIn("admin", TestBed.ADMIN_PASSWORD, "/settings/security.xhtml");
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).isEqualTo("/settings/security.xhtml");
        // a "next" that leaves the site is ignored
        Console other = new Console();
        assertThat(other.signIn("admin", TestBed.ADMIN_PASSWORD, "//evil.example/x").headers()
                .firstValue("Location").orElseThrow()).isEqualTo("/index.xhtml");
    }

    @Test
    void signInRefusesAWrongPasswordAndGivesANewSessionId() throws Exception {
        Console console = new Console();
        HttpResponse<String> wrong = console.signIn("admin", "not-the-password", null);
        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(wrong.body()).contains("Wrong user name or password");
        String before = console.session();
        HttpResponse<String> right = console.signIn("admin", TestBed.ADMIN_PASSWORD, null);
        assertThat(right.statusCode()).isEqualTo(302);
        assertThat(console.session()).isNotNull().isNotEqualTo(before); // no session fixation
        HttpResponse<String> dashboard = console.get("/index.xhtml");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Messages by state").contains("admin · admin");
    }

    @Test
    void formsFromAnotherSiteOrWithoutTheirViewStateChangeNothing() throws Exception {
        Console console = new Console();
        console.signIn("admin", TestBed.ADMIN_PASSWORD, null);
        String page = console.get("/index.xhtml").body();
        String viewState = viewState(page);
        Map<String, String> signOut = new LinkedHashMap<>(Map.of("session", "session", "session:sign-out",
                "Sign out"));

        // the sign-out form posted from another site: refused before anything runs
        HttpResponse<String> foreign = console.post("/index.xhtml", with(signOut, viewState), "http://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(console.get("/index.xhtml").statusCode()).isEqualTo(200);
        // without the view state the post is not a form submission at all; with a made-up one it has expired
        assertThat(console.post("/index.xhtml", signOut, null).statusCode()).isEqualTo(200);
        HttpResponse<String> forged = console.post("/index.xhtml", with(signOut, "1234:5678"), null);
        assertThat(forged.body()).contains("This page had expired").contains("Nothing was changed");
        assertThat(console.get("/index.xhtml").statusCode()).isEqualTo(200);

        // the real form, from this site: signed out, the session is gone
        HttpResponse<String> real = console.post("/index.xhtml", with(signOut, viewState), BASE);
        assertThat(real.statusCode()).isEqualTo(302);
        assertThat(real.headers().firstValue("Location").orElseThrow()).isEqualTo("/login.xhtml?signedOut=true");
        assertThat(console.get("/index.xhtml").statusCode()).isEqualTo(302);
    }

    @Test
    void anIdleSessionEndsAndTheSignInPageSaysSo() throws Exception {
        Console console = new Console();
        console.signIn("admin", TestBed.ADMIN_PASSWORD, null);
        assertThat(console.get("/index.xhtml").statusCode()).isEqualTo(200);
        Thread.sleep(Duration.ofSeconds(23).toMillis()); // moat.console.session-timeout=PT20S on the IT server
        HttpResponse<String> after = console.get("/messages.xhtml");
        assertThat(after.statusCode()).isEqualTo(302);
        String location = after.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/login.xhtml?next=%2Fmessages.xhtml&expired=true");
        assertThat(console.get(location).body()).contains("Your session has ended");
    }

    @Test
    void theAuditorSeesEverythingAndChangesNothing() throws Exception {
        Console auditor = new Console();
        assertThat(auditor.signIn("auditor", AUDITOR_PASSWORD, null).statusCode()).isEqualTo(302);
        String security = auditor.get("/settings/security.xhtml").body();
        assertThat(security).contains("auditor (read-only)").contains("You are signed in as an auditor")
                .contains("endpoints-form:endpoints").doesNotContain("apply-console-tls")
                .doesNotContain("add-endpoint");

        // the REST API: reading yes, changing no; a console session is no API credential
        assertThat(Api.get(BASE + "/api/v1/settings/general", null, true).status()).isEqualTo(401);
        Api.Answer read = Api.send("GET", BASE + "/api/v1/settings/general", null, "auditor", AUDITOR_PASSWORD);
        assertThat(read.status()).isEqualTo(200);
        Api.Answer change = Api.send("PUT", BASE + "/api/v1/settings/general",
                "{\"publicAddress\":\"http://changed.example\"}", "auditor", AUDITOR_PASSWORD);
        assertThat(change.status()).isEqualTo(403);
        assertThat(change.contentType()).startsWith("application/problem+json");
        assertThat(change.body()).contains("Only the admin may change this");
        assertThat(Api.send("GET", BASE + "/api/v1/settings/general", null).body())
                .doesNotContain("changed.example");
        assertThat(auditor.get("/api/v1/settings/general").statusCode()).isEqualTo(401);
        Api.Answer unauthenticated = Api.get(BASE + "/api/v1/messages", null, true);
        assertThat(unauthenticated.contentType()).startsWith("application/problem+json");
    }

    static String viewState(String page) {
        Matcher matcher = VIEW_STATE.matcher(page);
        assertThat(matcher.find()).as("a Faces form in " + page).isTrue();
        return matcher.group(1);
    }

    private static Map<String, String> with(Map<String, String> form, String viewState) {
        Map<String, String> copy = new LinkedHashMap<>(form);
        copy.put("jakarta.faces.ViewState", viewState);
        return copy;
    }

    /** A browser-like client: its own cookies, no redirects followed. */
    static final class Console {
        private final CookieManager cookies = new CookieManager();
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(BASE + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, Map<String, String> form, String origin)
                throws IOException, InterruptedException {
            String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BASE + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (origin != null) {
                request.header("Origin", origin);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Opens the sign-in page (with {@code next}) and posts its form as a browser would. */
        HttpResponse<String> signIn(String user, String password, String next)
                throws IOException, InterruptedException {
            String path = "/login.xhtml" + (next == null
                    ? ""
                    : "?next=" + URLEncoder.encode(next,
                            StandardCharsets.UTF_8));
            String page = get(path).body();
            Map<String, String> form = new LinkedHashMap<>();
            form.put("signin", "signin");
            form.put("signin:next", next == null ? "" : next);
            form.put("signin:user", user);
            form.put("signin:password", password);
            form.put("signin:submit", "Sign in");
            form.put("jakarta.faces.ViewState", viewState(page));
            return post(path, form, BASE);
        }

        String session() {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                    .map(HttpCookie::getValue).findFirst().orElse(null);
        }
    }
}
