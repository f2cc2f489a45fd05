package io.moat.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class ProblemMapperTest {

    private final ProblemMapper mapper = new ProblemMapper();

    private static Problem problem(Response response) {
        assertThat(response.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        return (Problem) response.getEntity();
    }

    @Test
    void anUnknownPathSaysSoWithoutTheFrameworksWordsOrTheUrl() {
        Response response = mapper.toResponse(new NotFoundException(
                "RESTEASY003210: Could not find resource for full path: http://evil.example:8080/api/v1/nope"));
        Problem problem = problem(response);
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(problem.title() + problem.detail()).doesNotContain("RESTEASY").doesNotContain("http://")
                .doesNotContain("evil.example").doesNotContain("nope").contains("/api/v1/");
    }

    @Test
    void aWrongMethodNamesTheOnesThePathTakes() {
        Response response = mapper.toResponse(new NotAllowedException(
                "RESTEASY003650: No resource method found for DELETE, return 405 with Allow header", "GET",
                new String[]{"PUT"}));
        assertThat(response.getStatus()).isEqualTo(405);
        assertThat(response.getAllowedMethods()).containsExactlyInAnyOrder("GET", "PUT");
        assertThat(problem(response).detail()).isEqualTo("This path takes GET, PUT, not this method.");
    }

    @Test
    void aBadMediaTypeOrParameterIs415Or400InOurWords() {
        Response media = mapper.toResponse(new NotSupportedException("RESTEASY003065: Cannot consume content type"));
        assertThat(media.getStatus()).isEqualTo(415);
        assertThat(problem(media).detail()).doesNotContain("RESTEASY").contains("application/json");
        Response parameter = mapper.toResponse(new NotFoundException("RESTEASY003870: Unable to extract parameter",
                new NumberFormatException("For input string: \"ten\"")));
        assertThat(parameter.getStatus()).isEqualTo(400);
        assertThat(problem(parameter).detail()).doesNotContain("ten").contains("whole numbers");
    }

    @Test
    void anUnexpectedErrorIs500WithoutInternals() {
        Response response = mapper.toResponse(new IllegalStateException("secret internals at /var/lib/moat"));
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(problem(response).detail()).doesNotContain("secret").contains("server log");
        // a response writer's failure is ours, not a bad body
        assertThat(mapper.toResponse(new ProcessingException("writer failed")).getStatus()).isEqualTo(500);
    }

    @Test
    void ourOwnProblemsKeepTheirWords() {
        Response response = mapper.toResponse(new ProblemException(404, "No such message", "No message has the id"
                + " 'x'."));
        assertThat(problem(response)).isEqualTo(new Problem("about:blank", "No such message", 404,
                "No message has the id 'x'."));
    }
}
