package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authentication as an attacker tries it, against the shared IT server with the default limits (10 failed sign-ins
 * per client address, 30 per user name, within 15 minutes): wrong passwords by the hundred, from one address and
 * from many, at the API and at the console's sign-in page; the REST API's errors; API paths written to slip past a
 * check of the raw URI. Each test comes from loopback addresses of its own ({@link RawHttp}; the other ITs come from
 * 127.0.0.1) and uses the auditor or made-up user names, so that nothing here locks out another test.
 */
class AuthenticationIT {

    private static final String AUDITOR_PASSWORD = System.getProperty("it.auditor.password", "it-auditor-secret");
    private static final String BASE = "http://127.0.0.1:" + TestBed.HTTP_PORT;

    @BeforeAll
    static void up() {
        TestBed.up();
    }

    private static RawHttp from(String address) {
        return new RawHttp(address, TestBed.HTTP_PORT);
    }

    private static RawHttp basic(String address, String user, String password) {
        return from(address).header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonObject problem(RawHttp.Response response) {
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        return (JsonObject) new Api.Answer(response.status(), response.header("Content-Type"), response.body(), null)
                .json();
    }

    @Test
    void twoHundredWrongPasswordsMeet429AndTheRightPasswordFromAnotherAddressStillWorks() throws IOException {
        Path log = TestBed.serverLog();
        long logBefore = Files.size(log);
        int unauthorized = 0;
        int tooMany = 0;
        for (int i = 1; i <= 200; i++) {
            RawHttp.Response wrong = basic("127.0.0.2", "auditor", "guess-" + i).get("/api/v1/messages");
            if (wrong.status() == 401) {
                unauthorized++;
                assertThat(tooMany).as("a 401 after a 429").isZero();
            } else {
                assertThat(wrong.status()).as("attempt " + i).isEqualTo(429);
                tooMany++;
                assertThat(Long.parseLong(wrong.header("Retry-After"))).isBetween(1L, 90L);
                assertThat(wrong.header("WWW-Authenticate")).isNull();
                assertThat(problem(wrong).getString("detail")).contains("not checked").contains("Try again in");
            }
        }
        assertThat(unauthorized).isEqualTo(10);
        assertThat(tooMany).isEqualTo(190);
        // the limit is this address's: the right password from there waits too, from another it works
        assertThat(basic("127.0.0.2", "auditor", AUDITOR_PASSWORD).get("/api/v1/messages").status()).isEqualTo(429);
        assertThat(basic("127.0.0.3", "auditor", AUDITOR_PASSWORD).get("/api/v1/messages").status()).isEqualTo(200);
        // a refused change with a body, too
        assertThat(basic("127.0.0.3", "auditor", "wrong").send("PUT", "/api/v1/settings/general",
                "application/json", "{\"publicAddress\":\"http://x.example\"}").status()).isEqualTo(401);

        // each refusal used to log Undertow's "UT010019: Response already commited" with a stack trace
        String logged = Files.readString(log, StandardCharsets.ISO_8859_1).substring((int) logBefore);
        assertThat(logged).doesNotContain("UT010019").doesNotContain("UT005023").doesNotContain("ERROR [io.undertow")
                .contains("10 failed sign-ins from 127.0.0.2");
    }

    @Test
    void thePerUserLimitAppliesAcrossAddresses() {
        // 30 failures for one user name from three addresses, each of them at its own limit of 10
        for (String address : new String[]{"127.0.1.1", "127.0.1.2", "127.0.1.3"}) {
            for (int i = 0; i < 10; i++) {
                assertThat(basic(address, "mallory", "guess-" + i).get("/api/v1/messages").status()).isEqualTo(401);
            }
        }
        RawHttp.Response fresh = basic("127.0.1.4", "mallory", "guess").get("/api/v1/messages");
        assertThat(fresh.status()).isEqualTo(429);
        assertThat(fresh.header("Retry-After")).isNotNull();
        // that address itself is not limited
        assertThat(basic("127.0.1.4", "auditor", AUDITOR_PASSWORD).get("/api/v1/messages").status()).isEqualTo(200);
    }

    @Test
    void theConsoleSignInIsRefusedPastTheLimitWithoutBeingChecked() {
        for (int i = 0; i < 10; i++) {
            RawHttp.Response wrong = signIn("127.0.0.4", "nobody", "guess-" + i);
            assertThat(wrong.status()).isEqualTo(200);
            assertThat(wrong.body()).contains("Wrong user name or password");
        }
        RawHttp.Response refused = signIn("127.0.0.4", "admin", TestBed.ADMIN_PASSWORD);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 90L);
        assertThat(refused.body()).contains("Too many wrong passwords").contains("not checked");
        assertThat(refused.header("Location")).isNull(); // not signed in

        RawHttp.Response elsewhere = signIn("127.0.0.5", "admin", TestBed.ADMIN_PASSWORD);
        assertThat(elsewhere.status()).isEqualTo(302);
        assertThat(elsewhere.header("Location")).isEqualTo("/index.xhtml");
    }

    @Test
    void aForgedHostNeverComesBackInTheSignInRedirect() {
        RawHttp.Response page = new RawHttp("127.0.0.6", TestBed.HTTP_PORT).header("Host", "evil.example")
                .get("/messages.xhtml");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.header("Location")).isEqualTo("/login.xhtml?next=%2Fmessages.xhtml")
                .doesNotContain("evil.example");
    }

    /** Opens the sign-in page from {@code address} and posts its form as a browser would. */
    private static RawHttp.Response signIn(String address, String user, String password) {
        RawHttp.Response page = from(address).get("/login.xhtml");
        String session = page.all("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("signin", "signin");
        form.put("signin:next", "");
        form.put("signin:user", user);
        form.put("signin:password", password);
        form.put("signin:submit", "Sign in");
        form.put("jakarta.faces.ViewState", ConsoleSecurityIT.viewState(page.body()));
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return from(address).header("Cookie", session).header("Origin", BASE).send("POST", "/login.xhtml",
                "application/x-www-form-urlencoded", body);
    }

    @Test
    void theApiIsKnownByItsMatchedPathSoTheConsoleSessionNeverOpensIt() {
        RawHttp.Response signedIn = signIn("127.0.0.6", "admin", TestBed.ADMIN_PASSWORD);
        assertThat(signedIn.status()).isEqualTo(302);
        String session = signedIn.all("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        assertThat(from("127.0.0.6").header("Cookie", session).get("/index.xhtml").status()).isEqualTo(200);
        for (String path : new String[]{"/api/v1/messages", "//api/v1/messages", "/api;x/v1/messages",
                "/./api/v1/messages"}) {
            // the raw URI of the last three does not start with /api/, yet the container serves them from the API
            RawHttp.Response anonymous = from("127.0.0.6").get(path);
            assertThat(anonymous.status()).as(path).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).as(path).startsWith("Basic");
            assertThat(problem(anonymous).getInt("status")).isEqualTo(401);
            RawHttp.Response withSession = from("127.0.0.6").header("Cookie", session).get(path);
            assertThat(withSession.status()).as(path + " with a console session").isEqualTo(401);
        }
    }

    @Test
    void theApisErrorsAreProblemsInOurWordsNeverTheFrameworks() {
        RawHttp admin = basic("127.0.0.1", "admin", TestBed.ADMIN_PASSWORD);
        RawHttp.Response unknown = admin.get("/api/v1/no-such-thing?x=1");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).doesNotContain("RESTEASY").doesNotContain("http://")
                .doesNotContain("no-such-thing").doesNotContain("127.0.0.1");
        assertThat(problem(unknown).getString("detail")).contains("/api/v1/");
        RawHttp.Response outside = admin.get("/api/v2/whatever");
        assertThat(outside.status()).isEqualTo(404);
        assertThat(problem(outside).getString("detail")).contains("/api/v1/");

        RawHttp.Response method = admin.send("DELETE", "/api/v1/settings/general", null, null);
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.header("Allow")).contains("GET").contains("PUT");
        assertThat(problem(method).getString("detail")).contains("GET").doesNotContain("RESTEASY");

        RawHttp.Response unreadable = admin.send("PUT", "/api/v1/settings/general", "application/json", "{bad");
        assertThat(unreadable.status()).isEqualTo(400);
        assertThat(unreadable.body()).doesNotContain("RESTEASY").doesNotContain("jakarta").doesNotContain("char");
        RawHttp.Response media = admin.send("PUT", "/api/v1/settings/general", "text/plain", "x");
        assertThat(media.status()).isEqualTo(415);
        assertThat(problem(media).getString("detail")).contains("application/json");
        RawHttp.Response parameter = admin.get("/api/v1/messages?limit=ten");
        assertThat(parameter.status()).isEqualTo(400);
        assertThat(parameter.body()).doesNotContain("RESTEASY").doesNotContain("ten");
    }

    @Test
    void repeatedApiCallsWithTheRightPasswordDoNotRunPbkdf2Again() {
        RawHttp admin = basic("127.0.0.7", "admin", TestBed.ADMIN_PASSWORD);
        assertThat(admin.get("/api/v1/messages?limit=1").status()).isEqualTo(200);
        // what one password check costs here: a made-up user is checked against a dummy hash, as dear as a real one
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(basic("127.0.0.8", "cost-probe", "x").get("/api/v1/messages?limit=1").status())
                    .isEqualTo(401);
        }
        long check = (System.nanoTime() - start) / 3;
        start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThat(admin.get("/api/v1/messages?limit=1").status()).isEqualTo(200);
        }
        long twenty = System.nanoTime() - start;
        // checked each time, twenty calls would cost twenty checks; remembered, far less than five
        assertThat(twenty).as("20 calls took %d ms, one check %d ms", twenty / 1_000_000, check / 1_000_000)
                .isLessThan(5 * check);
    }
}
