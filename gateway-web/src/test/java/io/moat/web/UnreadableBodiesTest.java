package io.moat.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class UnreadableBodiesTest {

    @Test
    void aBodyJsonBCannotReadIsA400InOurWords() throws IOException {
        ReaderInterceptorContext context = mock(ReaderInterceptorContext.class);
        // what RESTEasy's JSON-B reader throws for {bad
        when(context.proceed()).thenThrow(new ProcessingException("RESTEASY008200: JSON Binding deserialization"
                + " error: jakarta.json.bind.JsonbException: Internal error: Unexpected char 98 at (line no=1,"
                + " column no=2, offset=1)", new JsonbException("Unexpected char 98")));
        ProblemException refused = catchThrowableOfType(ProblemException.class,
                () -> new UnreadableBodies().aroundReadFrom(context));
        assertThat(refused.status()).isEqualTo(400);
        Response response = new ProblemMapper().toResponse(refused);
        Problem problem = (Problem) response.getEntity();
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(problem.detail()).doesNotContain("RESTEASY").doesNotContain("jakarta").doesNotContain("char 98")
                .contains("README");
    }

    @Test
    void aReadableBodyPassesUntouched() throws IOException {
        ReaderInterceptorContext context = mock(ReaderInterceptorContext.class);
        when(context.proceed()).thenReturn("body");
        assertThat(new UnreadableBodies().aroundReadFrom(context)).isEqualTo("body");
    }
}
