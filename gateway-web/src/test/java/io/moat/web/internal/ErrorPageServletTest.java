package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.when;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ErrorPageServletTest {

    private final StringWriter body = new StringWriter();

    private Exchange error(Exchange exchange, int status) throws Exception {
        ApiPath.isApi(exchange.request); // as the authentication looked at the request
        when(exchange.request.getDispatcherType()).thenReturn(DispatcherType.ERROR);
        when(exchange.request.getServletPath()).thenReturn(ErrorPageServlet.PATH);
        exchange.attributes.put(RequestDispatcher.ERROR_STATUS_CODE, status);
        when(exchange.response.getWriter()).thenReturn(new PrintWriter(body));
        new ErrorPageServlet().service(exchange.request, exchange.response);
        return exchange;
    }

    private JsonObject json() {
        return Json.createReader(new StringReader(body.toString())).readObject();
    }

    @Test
    void theApiGetsTheProblemTheAuthenticationPrepared() throws Exception {
        Exchange exchange = Exchange.api("192.0.2.7");
        Problems.prepare(exchange.request, exchange.response, Problems.of(429, "Too many", "Wait 90 s."));
        error(exchange, 429);
        verifyProblem(exchange, 429);
        assertThat(json().getString("detail")).isEqualTo("Wait 90 s.");
    }

    @Test
    void theApiGetsAProblemForAPathOutsideItsResources() throws Exception {
        Exchange exchange = error(new Exchange("/api/v2/x", "/api/v2/x", null, "192.0.2.7"), 404);
        verifyProblem(exchange, 404);
        assertThat(body.toString()).doesNotContain("v2");
    }

    @Test
    void theConsoleGetsAPage() throws Exception {
        Exchange exchange = error(new Exchange("/nope.xhtml", "/nope.xhtml", null, "192.0.2.7"), 404);
        when(exchange.response.getContentType()).thenReturn("text/html");
        assertThat(exchange.status).isEqualTo(404);
        assertThat(body.toString()).startsWith("<!DOCTYPE html>").contains("no such page");
    }

    private void verifyProblem(Exchange exchange, int status) {
        assertThat(exchange.status).isEqualTo(status);
        org.mockito.Mockito.verify(exchange.response).setContentType("application/problem+json");
        assertThat(json().getInt("status")).isEqualTo(status);
    }
}
