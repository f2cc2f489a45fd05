package io.moat.web.internal;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** A request and its response as mocks that remember attributes, status and headers. */
final class Exchange {

    final HttpServletRequest request = mock(HttpServletRequest.class);
    final HttpServletResponse response = mock(HttpServletResponse.class);
    final Map<String, Object> attributes = new HashMap<>();
    final Map<String, String> headers = new HashMap<>();
    int status = 200;

    /** A request for {@code servletPath} + {@code pathInfo}, sent as {@code requestUri}, from {@code address}. */
    Exchange(String requestUri, String servletPath, String pathInfo, String address) {
        when(request.getRequestURI()).thenReturn(requestUri);
        when(request.getServletPath()).thenReturn(servletPath);
        when(request.getPathInfo()).thenReturn(pathInfo);
        when(request.getContextPath()).thenReturn("");
        when(request.getRemoteAddr()).thenReturn(address);
        when(request.getMethod()).thenReturn("GET");
        when(request.getDispatcherType()).thenReturn(DispatcherType.REQUEST);
        when(request.getAttribute(anyString())).thenAnswer(call -> attributes.get(call.<String>getArgument(0)));
        doAnswer(call -> attributes.put(call.getArgument(0), call.getArgument(1))).when(request)
                .setAttribute(anyString(), any());
        doAnswer(call -> status = call.getArgument(0)).when(response).setStatus(anyInt());
        when(response.getStatus()).thenAnswer(call -> status);
        doAnswer(call -> headers.put(call.getArgument(0), call.getArgument(1))).when(response)
                .setHeader(anyString(), anyString());
    }

    /** The REST API's message list, as {@code //api/...} or {@code /api;x/...} would reach it too. */
    static Exchange api(String address) {
        return new Exchange("/api/v1/messages", "/api/v1", "/messages", address);
    }

    Exchange basic(String user, String password) {
        when(request.getHeader("Authorization")).thenReturn("Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    Exchange secure() {
        when(request.isSecure()).thenReturn(true);
        return this;
    }
}
