package io.moat.web.rescan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.moat.delivery.PublicRescan;
import io.moat.delivery.PublicRescan.Answer;
import io.moat.delivery.PublicRescan.HeldMessage;
import io.moat.delivery.PublicRescan.Outcome;
import io.moat.web.console.Formats;
import io.moat.web.internal.RescanGuard;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RescanPageServletTest {

    private static final String TOKEN = "A".repeat(43);
    private static final HeldMessage MESSAGE = new HeldMessage("alice@sender.test", "Board minutes", Instant.EPOCH,
            List.of("minutes.zip", "plans.7z"));

    private final PublicRescan rescan = mock(PublicRescan.class);
    private final RescanPageServlet servlet = new RescanPageServlet();

    RescanPageServletTest() throws Exception {
        servlet.rescan = rescan;
        servlet.formats = new Formats();
        servlet.guard = guard(3);
    }

    @Test
    void theLinkIsShownWithoutCachingScriptsFramesOrASession() throws Exception {
        when(rescan.view(TOKEN)).thenReturn(new Answer(Outcome.ASK_PASSWORDS, MESSAGE, null, 5));
        Call call = new Call("GET", "192.0.2.1").param("t", TOKEN);

        call.run(servlet);

        assertThat(call.status).isEqualTo(200);
        assertThat(call.headers).containsEntry("Cache-Control", "no-store")
                .containsEntry("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self';"
                        + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
                .containsEntry("X-Content-Type-Options", "nosniff").containsEntry("X-Frame-Options", "DENY");
        assertThat(call.body()).contains("Board minutes").contains("id=\"password-1\"");
        verify(call.request, never()).getSession();
        verify(call.request, never()).getSession(true);
        verify(rescan, never()).submit(anyString(), anyMap(), anyString());
    }

    @Test
    void thePasswordsOfTheFormGoToTheAttachmentsTheyWereAskedForAndAreNeverShownAgain() throws Exception {
        when(rescan.view(TOKEN)).thenReturn(new Answer(Outcome.ASK_PASSWORDS, MESSAGE, null, 5));
        Map<String, String> given = new HashMap<>();
        when(rescan.submit(eq(TOKEN), anyMap(), eq("192.0.2.1"))).thenAnswer(call -> {
            Map<String, char[]> passwords = call.getArgument(1);
            passwords.forEach((name, password) -> given.put(name, new String(password)));
            return new Answer(Outcome.WRONG_PASSWORD, MESSAGE, "plans.7z", 4);
        });
        Call call = new Call("POST", "192.0.2.1").param("t", TOKEN).param("password-0", "s3cret-one")
                .param("password-1", "s3cret-two").param("password-2", "not asked for");

        call.run(servlet);

        assertThat(given).containsOnly(Map.entry("minutes.zip", "s3cret-one"), Map.entry("plans.7z", "s3cret-two"));
        assertThat(call.status).isEqualTo(200);
        assertThat(call.body()).contains("Wrong password").doesNotContain("s3cret").doesNotContain("not asked for");
    }

    @Test
    void failuresFromOneAddressAreRefusedPastTheLimitWithoutLookingAtTheToken() throws Exception {
        when(rescan.view(anyString())).thenReturn(new Answer(Outcome.NOT_VALID, null, null, 0));
        for (int i = 0; i < 3; i++) {
            Call call = new Call("GET", "192.0.2.9").param("t", "guess-" + i);
            call.run(servlet);
            assertThat(call.status).isEqualTo(404);
            assertThat(call.body()).contains("not valid");
        }
        Call refused = new Call("GET", "192.0.2.9").param("t", TOKEN);

        refused.run(servlet);

        assertThat(refused.status).isEqualTo(429);
        assertThat(refused.headers.get("Retry-After")).matches("[0-9]+");
        assertThat(refused.body()).contains("Too many tries");
        verify(rescan, never()).view(TOKEN);
        // another address is not affected; a link that opens counts as no failure
        when(rescan.view(TOKEN)).thenReturn(new Answer(Outcome.ASK_PASSWORDS, MESSAGE, null, 5));
        for (int i = 0; i < 5; i++) {
            Call other = new Call("GET", "192.0.2.10").param("t", TOKEN);
            other.run(servlet);
            assertThat(other.status).isEqualTo(200);
        }
    }

    @Test
    void otherMethodsAreRefused() throws Exception {
        Call call = new Call("PUT", "192.0.2.1");
        call.run(servlet);
        verify(call.response).sendError(405);
        assertThat(call.headers).containsEntry("Allow", "GET, POST");
    }

    private static RescanGuard guard(int max) throws ReflectiveOperationException {
        RescanGuard guard = new RescanGuard();
        set(guard, "maxPerAddress", max);
        set(guard, "window", Duration.ofMinutes(15));
        var init = RescanGuard.class.getDeclaredMethod("init");
        init.setAccessible(true);
        init.invoke(guard);
        return guard;
    }

    private static void set(Object target, String name, Object value) throws ReflectiveOperationException {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        field.set(target, value);
    }

    /** A request to the servlet and what it answered. */
    private static final class Call {

        final HttpServletRequest request = mock(HttpServletRequest.class);
        final HttpServletResponse response = mock(HttpServletResponse.class);
        final Map<String, String> headers = new HashMap<>();
        final StringWriter out = new StringWriter();
        int status = 200;

        Call(String method, String address) throws Exception {
            when(request.getMethod()).thenReturn(method);
            when(request.getRemoteAddr()).thenReturn(address);
            when(response.getWriter()).thenReturn(new PrintWriter(out));
            doAnswer(c -> headers.put(c.getArgument(0), c.getArgument(1))).when(response)
                    .setHeader(anyString(), anyString());
            doAnswer(c -> status = c.getArgument(0)).when(response).setStatus(anyInt());
        }

        Call param(String name, String value) {
            when(request.getParameter(name)).thenReturn(value);
            return this;
        }

        void run(RescanPageServlet servlet) throws Exception {
            servlet.service(request, response);
        }

        String body() {
            return out.toString();
        }
    }
}
