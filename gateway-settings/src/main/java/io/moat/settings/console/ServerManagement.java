package io.moat.settings.console;

import io.moat.tls.TlsSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.logging.Logger;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.dmr.ModelNode;

/**
 * The few management operations the gateway performs on its own server, through the management interface on the
 * loopback address as the local user (the same way {@code jboss-cli.sh} connects on the server's machine). Only
 * runtime operations: none of them puts the server into "reload-required".
 *
 * <p>
 * Console HTTPS: the Elytron key store {@code moat-console} reads {@code <data dir>/tls/console.p12} and the key
 * manager of the same name serves it ({@code configure-moat.cli}). Each set of protocol versions has its own
 * server SSL context and Undertow HTTPS listener on the {@code https} socket binding, of which at most one is
 * enabled: changing a listener's SSL context needs a reload, enabling and disabling listeners does not. The SSL
 * contexts offer the forward-secret AEAD suites only ({@link TlsSettings#FORWARD_SECRET_AEAD}, ADR 0022); their names
 * say so ({@code moat-console-aead-...}), so that contexts made before, which offered Elytron's defaults, are left
 * disabled rather than changed (which would need a reload).
 */
public final class ServerManagement {

    private static final Logger LOG = Logger.getLogger(ServerManagement.class.getName());
    /** Key store, key manager and the prefix of SSL contexts and listeners, as configure-moat.cli names them. */
    public static final String CONSOLE = "moat-console";
    /** The password of the console's PKCS#12 file; the file is owner-only, as is key.pem (see ADR 0007). */
    public static final char[] CONSOLE_STORE_PASSWORD = "moat-console".toCharArray();

    /** The names of the SSL contexts and listeners of the current suite policy: {@code moat-console-aead-tls12-...}. */
    private static final String CONSOLE_AEAD = CONSOLE + "-aead";
    /** TLS 1.3's suites (Elytron's {@code cipher-suite-names}): Elytron offers none unless they are named. */
    private static final String TLS13_SUITES = String.join(":", TlsSettings.FORWARD_SECRET_AEAD.stream()
            .filter(suite -> !suite.contains("_WITH_")).toList());
    /** TLS 1.2's (Elytron's {@code cipher-suite-filter}, which takes standard names joined by colons). */
    private static final String TLS12_SUITES = String.join(":", TlsSettings.FORWARD_SECRET_AEAD.stream()
            .filter(suite -> suite.contains("_WITH_")).toList());

    private final InetAddress address;
    private final int port;

    public ServerManagement(InetAddress address, int port) {
        this.address = address;
        this.port = port;
    }

    /** Re-reads the console key store file and re-initialises its key manager: the next handshake uses it. */
    public void reloadConsoleKeys() throws IOException {
        execute(operation("load", elytron("key-store", CONSOLE)));
        execute(operation("init", elytron("key-manager", CONSOLE)));
    }

    /**
     * Serves HTTPS with the given protocol versions: the listener for exactly those (created with its SSL context
     * the first time) is enabled, every other console listener disabled.
     */
    public void enableConsoleListener(List<String> protocols) throws IOException {
        String name = CONSOLE_AEAD + "-" + String.join("-", protocols).replace("TLSv", "tls").replace(".", "");
        List<String> listeners = consoleListeners();
        for (String other : listeners) {
            if (!other.equals(name)) {
                setEnabled(other, false); // frees the port first
            }
        }
        if (!listeners.contains(name)) {
            if (!sslContextExists(name)) {
                ModelNode add = operation("add", elytron("server-ssl-context", name));
                add.get("key-manager").set(CONSOLE);
                protocols.forEach(p -> add.get("protocols").add(p));
                add.get("cipher-suite-filter").set(TLS12_SUITES);
                if (protocols.contains("TLSv1.3")) {
                    add.get("cipher-suite-names").set(TLS13_SUITES);
                }
                execute(add);
            }
            ModelNode add = operation("add", listener(name));
            add.get("socket-binding").set("https");
            add.get("ssl-context").set(name);
            execute(add);
            LOG.info(() -> "created HTTPS listener " + name + " for " + protocols);
        } else {
            setEnabled(name, true);
        }
    }

    /** Stops serving HTTPS: every console listener disabled (their port is closed). */
    public void disableConsoleListeners() throws IOException {
        for (String name : consoleListeners()) {
            setEnabled(name, false);
        }
    }

    /** The name of the enabled console listener, or null when HTTPS is off. */
    public String enabledConsoleListener() throws IOException {
        for (String name : consoleListeners()) {
            ModelNode read = operation("read-attribute", listener(name));
            read.get("name").set("enabled");
            if (execute(read).asBoolean(false)) {
                return name;
            }
        }
        return null;
    }

    private void setEnabled(String name, boolean enabled) throws IOException {
        ModelNode read = operation("read-attribute", listener(name));
        read.get("name").set("enabled");
        if (execute(read).asBoolean(true) == enabled) {
            return;
        }
        ModelNode write = operation("write-attribute", listener(name));
        write.get("name").set("enabled");
        write.get("value").set(enabled);
        execute(write);
    }

    private List<String> consoleListeners() throws IOException {
        ModelNode read = operation("read-children-names", undertowServer());
        read.get("child-type").set("https-listener");
        return execute(read).asList().stream().map(ModelNode::asString).filter(n -> n.startsWith(CONSOLE + "-"))
                .toList();
    }

    private boolean sslContextExists(String name) throws IOException {
        ModelNode subsystem = new ModelNode().setEmptyList();
        subsystem.add("subsystem", "elytron");
        ModelNode read = operation("read-children-names", subsystem);
        read.get("child-type").set("server-ssl-context");
        return execute(read).asList().stream().anyMatch(n -> n.asString().equals(name));
    }

    private static ModelNode elytron(String type, String name) {
        ModelNode address = new ModelNode().setEmptyList();
        address.add("subsystem", "elytron");
        address.add(type, name);
        return address;
    }

    private static ModelNode undertowServer() {
        ModelNode address = new ModelNode().setEmptyList();
        address.add("subsystem", "undertow");
        address.add("server", "default-server");
        return address;
    }

    private static ModelNode listener(String name) {
        ModelNode address = undertowServer();
        address.add("https-listener", name);
        return address;
    }

    private static ModelNode operation(String name, ModelNode address) {
        ModelNode op = new ModelNode();
        op.get("operation").set(name);
        op.get("address").set(address);
        return op;
    }

    private ModelNode execute(ModelNode operation) throws IOException {
        try (ModelControllerClient client = ModelControllerClient.Factory.create("remote+http", address, port)) {
            ModelNode result = client.execute(operation);
            if (!"success".equals(result.get("outcome").asString())) {
                throw new IOException("management operation " + operation.get("operation").asString() + " on "
                        + operation.get("address").asString() + " failed: "
                        + result.get("failure-description").asString());
            }
            if (result.hasDefined("response-headers", "operation-requires-reload")) {
                LOG.warning(() -> "management operation " + operation.get("operation").asString()
                        + " asks for a server reload; Moat expected a runtime change only");
            }
            return result.get("result");
        }
    }
}
