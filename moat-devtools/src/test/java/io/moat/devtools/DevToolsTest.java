package io.moat.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.testkit.SmtpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevToolsTest {

    @TempDir
    Path dir;

    @Test
    void startsBothServersAndLogsWithoutPasswords() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(DevTools.class.getName());
        logger.addHandler(capture);
        Map<String, String> options = Map.of("moat.devtools.core.port", "0", "moat.devtools.sink.port", "0",
                "moat.devtools.core.apikey", "k1", "moat.devtools.sink.dir", dir.toString());
        try (DevTools tools = DevTools.start(options::get)) {
            URI file = tools.core().baseUri().resolve("/file");
            assertThat(file.getHost()).isEqualTo("127.0.0.1");
            HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(file).header("apikey", "k1").header("filename", "x.zip")
                            .header("archivepwd", "Sup3rSecret").POST(HttpRequest.BodyPublishers.ofString("data"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            try (SmtpClient smtp = new SmtpClient(tools.sink().port())) {
                SmtpClient.expect(smtp.command("EHLO test"), "250");
                SmtpClient.expect(smtp.mail("a@example.org", "Subject: x\r\n\r\nx\r\n", "b@example.net"), "250");
            }
            assertThat(tools.sink().messages()).hasSize(1);
            try (var files = Files.list(dir)) {
                assertThat(files.count()).isEqualTo(1);
            }
            String dataId = tools.core().lastSubmission().orElseThrow().dataId();
            assertThat(logged).anySatisfy(l -> assertThat(l).contains(dataId, "x.zip", "archive password=given"));
            assertThat(logged).anySatisfy(l -> assertThat(l).contains("from=<a@example.org>", "b@example.net"));
            assertThat(logged).noneSatisfy(l -> assertThat(l).contains("Sup3rSecret"));
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void optionsComeFromSystemPropertiesFirst() throws IOException {
        System.setProperty("moat.devtools.test-only", "from-property");
        try {
            assertThat(DevTools.systemOption("moat.devtools.test-only")).isEqualTo("from-property");
        } finally {
            System.clearProperty("moat.devtools.test-only");
        }
        assertThat(DevTools.systemOption("moat.devtools.surely.unset")).isNull();
        String path = System.getenv("PATH");
        assertThat(DevTools.systemOption("path")).isEqualTo(path);
    }

    @Test
    void sinkOffersStartTlsWithKeyAndCertificate() throws Exception {
        CoreEmulatorHttpsTest.keytoolCertificate(dir, "EC");
        Map<String, String> options = Map.of("moat.devtools.core.port", "0", "moat.devtools.sink.port", "0",
                "moat.devtools.sink.dir", "", "moat.devtools.sink.tls-key", dir.resolve("key.pem").toString(),
                "moat.devtools.sink.tls-cert", dir.resolve("cert.pem").toString());
        try (DevTools tools = DevTools.start(options::get)) {
            assertThat(tools.sink().startTls()).isTrue();
            try (SmtpClient smtp = new SmtpClient(tools.sink().port())) {
                SmtpClient.expect(smtp.command("EHLO test"), "250");
                smtp.startTls(CoreEmulatorHttpsTest.trustContext(dir.resolve("cert.pem")));
                SmtpClient.expect(smtp.command("EHLO test"), "250");
                SmtpClient.expect(smtp.mail("a@example.org", "Subject: x\r\n\r\nx\r\n", "b@example.net"), "250");
            }
            assertThat(tools.sink().messages()).hasSize(1);
        }
        Map<String, String> keyOnly = Map.of("moat.devtools.core.port", "0", "moat.devtools.sink.port", "0",
                "moat.devtools.sink.tls-key", dir.resolve("key.pem").toString());
        assertThatThrownBy(() -> DevTools.start(keyOnly::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls-cert");
    }
}
