package io.moat.it;

import jakarta.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code openssl} command line: test certificates made by a tool we did not write, and real TLS handshakes. */
final class OpenSsl {

    private OpenSsl() {
    }

    /** What {@code s_client} saw: whether a handshake completed, the protocol, and the server's certificate. */
    record Handshake(boolean established, String protocol, String certificatePem, String output) {
    }

    /** The REST API's body for a certificate and its key ({@code POST /certificates}, {@code PUT} to renew). */
    static String pair(String name, Path key, Path certificate) throws IOException {
        return Json.createObjectBuilder().add("name", name).add("privateKey", Files.readString(key))
                .add("certificate", Files.readString(certificate)).build().toString();
    }

    /**
     * A self-signed key and certificate, valid for 20 days, for {@code cn} with {@code localhost} and {@code 127.0.0.1} as SANs:
     * {@code <name>.key} (PKCS#8) and {@code <name>.crt} in {@code dir}. {@code ec}: P-256, else RSA 2048.
     */
    static void selfSigned(Path dir, String name, String cn, boolean ec) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", ec ? "ec" : "rsa:2048"));
        if (ec) {
            command.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        command.addAll(List.of("-nodes", "-keyout", dir.resolve(name + ".key").toString(), "-out",
                dir.resolve(name + ".crt").toString(), "-days", "20", "-subj", "/CN=" + cn, "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        run(command, null);
    }

    /**
     * A certificate authority {@code <ca>.key}/{@code <ca>.crt} and a leaf {@code <name>.key}/{@code <name>.crt} it
     * issued for {@code cn}, with {@code localhost}/{@code 127.0.0.1} as names and a CRL distribution point, valid for a
     * year, as a company CA would issue it.
     */
    static void issued(Path dir, String ca, String name, String cn) throws IOException {
        Files.createDirectories(dir);
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                dir.resolve(ca + ".key").toString(), "-out", dir.resolve(ca + ".crt").toString(), "-days", "365",
                "-subj", "/CN=" + ca + " test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign"), null);
        run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve(name + ".key").toString(),
                "-out", dir.resolve(name + ".csr").toString(), "-subj", "/CN=" + cn), null);
        Path extensions = Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
                + "crlDistributionPoints=URI:http://crl.it.test/" + ca + ".crl\n");
        run(List.of("openssl", "x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA",
                dir.resolve(ca + ".crt").toString(), "-CAkey", dir.resolve(ca + ".key").toString(), "-CAcreateserial",
                "-days", "365", "-sha256", "-extfile", extensions.toString(), "-out",
                dir.resolve(name + ".crt").toString()), null);
    }

    /** "AB:CD:..." as {@code openssl x509 -fingerprint -sha256} prints it. */
    static String fingerprint(String certificatePem) throws IOException {
        String out = run(List.of("openssl", "x509", "-noout", "-fingerprint", "-sha256"), certificatePem);
        return out.substring(out.indexOf('=') + 1).strip();
    }

    static String fingerprint(Path certificateFile) throws IOException {
        return fingerprint(Files.readString(certificateFile));
    }

    /** {@code openssl s_client -connect 127.0.0.1:port} with {@code options} (e.g. -starttls smtp, -tls1_2). */
    static Handshake connect(int port, String... options) throws IOException {
        return connect("127.0.0.1", port, options);
    }

    /** {@link #connect(int, String...)} to {@code host} (a node's own address, say). */
    static Handshake connect(String host, int port, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", host + ":" + port,
                "-servername", "localhost"));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process process = builder.start();
        process.getOutputStream().close(); // like "echo |": end the session after the handshake
        String out;
        try (InputStream in = process.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        waitFor(process, command);
        int begin = out.indexOf("-----BEGIN CERTIFICATE-----");
        int end = out.indexOf("-----END CERTIFICATE-----");
        String certificate = begin < 0 || end < 0 ? null : out.substring(begin, end + 25) + "\n";
        boolean established = certificate != null && !out.contains("Cipher is (NONE)");
        String protocol = null;
        for (String line : out.lines().toList()) {
            if (line.strip().startsWith("Protocol  :") || line.startsWith("New, TLSv")) {
                protocol = line.startsWith("New, ")
                        ? line.substring(5, line.indexOf(',', 5))
                        : line.split(":")[1]
                                .strip();
            }
        }
        return new Handshake(established, established ? protocol : null, certificate, out);
    }

    /** Any openssl command ({@code openssl} itself left out), e.g. {@code pkcs8 -topk8 ...}; returns its output. */
    static String command(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        return run(command, null);
    }

    private static String run(List<String> command, String input) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (input != null) {
            process.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
        }
        process.getOutputStream().close();
        String out;
        try (InputStream in = process.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (waitFor(process, command) != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static int waitFor(Process process, List<String> command) throws IOException {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not end");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
