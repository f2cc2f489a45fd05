package io.moat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailoverCoreClientTest {

    /** A Core that is up or down and remembers which files it took. */
    private static final class Server implements CoreClient {
        final String name;
        boolean up = true;
        final List<String> taken = new ArrayList<>();

        Server(String name) {
            this.name = name;
        }

        @Override
        public String submit(Path file, String fileName, SubmitOptions options) throws CoreUnavailableException {
            if (!up) {
                throw new CoreUnavailableException(name + " down");
            }
            taken.add(fileName);
            return name + "-" + taken.size();
        }

        @Override
        public String submit(byte[] content, String fileName, SubmitOptions options)
                throws CoreUnavailableException {
            return submit(Path.of(fileName), fileName, options);
        }

        @Override
        public ScanResult fetchResult(String dataId) throws CoreRejectedException {
            if (!dataId.startsWith(name + "-")) {
                throw new CoreRejectedException(404, dataId + " unknown at " + name);
            }
            return new ScanResult(dataId, true, 100, 0, "No Threat Detected", VerdictCategory.CLEAN, false, null);
        }

        @Override
        public Converted fetchSanitized(String dataId, Path target, long maxBytes) {
            throw new UnsupportedOperationException("not asked here");
        }

        @Override
        public String version() throws CoreUnavailableException {
            if (!up) {
                throw new CoreUnavailableException(name + " down");
            }
            return name;
        }
    }

    @Test
    void aFileGoesToTheNextServerWhenTheFirstIsDownAndItsVerdictComesFromThatServer() throws Exception {
        Server first = new Server("a");
        Server second = new Server("b");
        CoreClient client = CoreClients.failover(List.of(first, second), () -> 0);
        first.up = false;

        String id = client.submit(Path.of("x"), "x.pdf", SubmitOptions.none());
        first.up = true;

        assertThat(second.taken).containsExactly("x.pdf");
        assertThat(id).isEqualTo("1/b-1");
        ScanResult result = client.fetchResult(id);
        assertThat(result.dataId()).isEqualTo(id);
        assertThat(result.category()).isEqualTo(VerdictCategory.CLEAN);
    }

    @Test
    void roundRobinTakesTurnsAndAllDownIsUnavailable() throws Exception {
        Server first = new Server("a");
        Server second = new Server("b");
        AtomicInteger turn = new AtomicInteger();
        CoreClient client = CoreClients.failover(List.of(first, second), turn::getAndIncrement);
        client.submit(Path.of("1"), "1", SubmitOptions.none());
        client.submit(Path.of("2"), "2", SubmitOptions.none());
        client.submit(Path.of("3"), "3", SubmitOptions.none());
        assertThat(first.taken).containsExactly("1", "3");
        assertThat(second.taken).containsExactly("2");

        first.up = false;
        second.up = false;
        assertThatThrownBy(() -> client.submit(Path.of("4"), "4", SubmitOptions.none()))
                .isInstanceOf(CoreUnavailableException.class);
    }

    @Test
    void aServerNoLongerInTheProfileIsNotFoundSoTheFileIsSubmittedAgain() {
        CoreClient client = CoreClients.failover(List.of(new Server("a"), new Server("b")), () -> 0);
        assertThatThrownBy(() -> client.fetchResult("5/z-1")).isInstanceOfSatisfying(CoreRejectedException.class,
                e -> assertThat(e.status()).isEqualTo(404));
    }
}
