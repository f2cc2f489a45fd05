package io.moat.settings.management;

import io.moat.tls.TlsSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
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
 * manager of the same name serves it ({@code configure-console-tls.cli}). Each set of protocol versions has its own
 * server SSL context and Undertow HTTPS listener on the {@code https} socket binding, of which at most one is
 * enabled: changing a listener's SSL context needs a reload, enabling and disabling listeners does not. The SSL
 * contexts offer the forward-secret AEAD suites only ({@link TlsSettings#FORWARD_SECRET_AEAD}, ADR 0022); their names
 * say so ({@code moat-console-aead-...}), so that contexts made before, which offered Elytron's defaults, are left
 * disabled rather than changed (which would need a reload).
 *
 * <p>
 * The webhook listener (ADR 0039): the Undertow server {@code moat-webhook}, whose plain listener {@code webhook} on
 * the socket binding {@code moat-webhook} ({@code configure-moat.cli}) serves by default. Another address or port gets
 * a socket binding (and, for an address, an interface) of its own, never a changed one (which would need a reload);
 * each (address, port, plain or TLS versions) its own listener, of which at most one is enabled. Over TLS it serves
 * the key store and key manager {@code moat-webhook} ({@code <data dir>/tls/webhook.p12}).
 */
public final class ServerManagement {

    private static final Logger LOG = Logger.getLogger(ServerManagement.class.getName());
    /** Key store, key manager and the prefix of SSL contexts and listeners, as configure-moat.cli names them. */
    public static final String CONSOLE = "moat-console";
    /** The password of the console's PKCS#12 file; the file is owner-only, as is key.pem (see ADR 0007). */
    public static final char[] CONSOLE_STORE_PASSWORD = "moat-console".toCharArray();
    /** The webhook's Undertow server, key store and key manager, and the prefix of what is made for it. */
    public static final String WEBHOOK = "moat-webhook";
    /** The password of the webhook listener's PKCS#12 file (owner-only, as the console's). */
    public static final char[] WEBHOOK_STORE_PASSWORD = "moat-webhook".toCharArray();
    /** The webhook server's listener configure-moat.cli makes: plain HTTP on the socket binding {@value #WEBHOOK}. */
    private static final String WEBHOOK_DEFAULT_LISTENER = "webhook";

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
        reloadKeys(CONSOLE);
    }

    /** Re-reads the webhook key store file and re-initialises its key manager: the next handshake uses it. */
    public void reloadWebhookKeys() throws IOException {
        reloadKeys(WEBHOOK);
    }

    /**
     * Serves HTTPS with the given protocol versions: the listener for exactly those (created with its SSL context
     * the first time) is enabled, every other console listener disabled.
     */
    public void enableConsoleListener(List<String> protocols) throws IOException {
        String name = CONSOLE_AEAD + "-" + versions(protocols);
        List<String> listeners = listeners("default-server", "https-listener", CONSOLE + "-");
        for (String other : listeners) {
            if (!other.equals(name)) {
                setEnabled("default-server", "https-listener", other, false); // frees the port first
            }
        }
        if (!listeners.contains(name)) {
            ensureSslContext(name, CONSOLE, protocols);
            ModelNode add = operation("add", listener("default-server", "https-listener", name));
            add.get("socket-binding").set("https");
            add.get("ssl-context").set(name);
            execute(add);
            LOG.info(() -> "created HTTPS listener " + name + " for " + protocols);
        } else {
            setEnabled("default-server", "https-listener", name, true);
        }
    }

    /** Stops serving HTTPS: every console listener disabled (their port is closed). */
    public void disableConsoleListeners() throws IOException {
        for (String name : listeners("default-server", "https-listener", CONSOLE + "-")) {
            setEnabled("default-server", "https-listener", name, false);
        }
    }

    /** The name of the enabled console listener, or null when HTTPS is off. */
    public String enabledConsoleListener() throws IOException {
        for (String name : listeners("default-server", "https-listener", CONSOLE + "-")) {
            ModelNode read = operation("read-attribute", listener("default-server", "https-listener", name));
            read.get("name").set("enabled");
            if (execute(read).asBoolean(false)) {
                return name;
            }
        }
        return null;
    }

    /**
     * Makes the webhook server listen on {@code bindAddress} (null: the {@code public} interface) and
     * {@code webhookPort}, over TLS with {@code protocols} or plain HTTP (empty): that listener is enabled (made the
     * first time), every other of the webhook server disabled first, so that a port it keeps is free for it.
     *
     * @param defaultPort the port of the socket binding {@value #WEBHOOK} ({@code moat.webhook.port})
     * @param maxConnections the most connections a listener made here holds at once
     *            ({@code moat.webhook.max-connections}, as configure-moat.cli gives the default one)
     */
    public void serveWebhook(String bindAddress, int webhookPort, List<String> protocols, int defaultPort,
            int maxConnections) throws IOException {
        boolean tls = !protocols.isEmpty();
        String where = (bindAddress == null ? "public" : tag(bindAddress)) + "-" + webhookPort;
        boolean standard = bindAddress == null && webhookPort == defaultPort;
        String binding = standard ? WEBHOOK : WEBHOOK + "-" + where;
        String type = tls ? "https-listener" : "http-listener";
        String name = !tls && standard
                ? WEBHOOK_DEFAULT_LISTENER
                : WEBHOOK + "-" + where + (tls ? "-aead-" + versions(protocols) : "-http");
        for (String kind : List.of("http-listener", "https-listener")) {
            for (String other : listeners(WEBHOOK, kind, "")) {
                if (!(kind.equals(type) && other.equals(name))) {
                    setEnabled(WEBHOOK, kind, other, false);
                }
            }
        }
        if (listeners(WEBHOOK, type, "").contains(name)) {
            setEnabled(WEBHOOK, type, name, true);
            return;
        }
        if (!standard && !exists(socketBindings(), "socket-binding", binding)) {
            String iface = "public";
            if (bindAddress != null) {
                iface = WEBHOOK + "-" + tag(bindAddress);
                if (!exists(new ModelNode().setEmptyList(), "interface", iface)) {
                    ModelNode add = operation("add", new ModelNode().setEmptyList().add("interface", iface));
                    add.get("inet-address").set(bindAddress);
                    execute(add);
                }
            }
            ModelNode add = operation("add", socketBindings().add("socket-binding", binding));
            add.get("interface").set(iface);
            add.get("port").set(webhookPort);
            execute(add);
        }
        ModelNode add = operation("add", listener(WEBHOOK, type, name));
        add.get("socket-binding").set(binding);
        add.get("max-connections").set(maxConnections);
        if (tls) {
            String context = WEBHOOK + "-aead-" + versions(protocols);
            ensureSslContext(context, WEBHOOK, protocols);
            add.get("ssl-context").set(context);
        }
        execute(add);
        LOG.info(() -> "created webhook listener " + name);
    }

    private void reloadKeys(String name) throws IOException {
        execute(operation("load", elytron("key-store", name)));
        execute(operation("init", elytron("key-manager", name)));
    }

    private void ensureSslContext(String name, String keyManager, List<String> protocols) throws IOException {
        ModelNode elytron = new ModelNode().setEmptyList();
        elytron.add("subsystem", "elytron");
        if (exists(elytron, "server-ssl-context", name)) {
            return;
        }
        ModelNode add = operation("add", elytron("server-ssl-context", name));
        add.get("key-manager").set(keyManager);
        protocols.forEach(p -> add.get("protocols").add(p));
        add.get("cipher-suite-filter").set(TLS12_SUITES);
        if (protocols.contains("TLSv1.3")) {
            add.get("cipher-suite-names").set(TLS13_SUITES);
        }
        execute(add);
    }

    /** {@code [TLSv1.2, TLSv1.3]} → {@code tls12-tls13}. */
    private static String versions(List<String> protocols) {
        return String.join("-", protocols).replace("TLSv", "tls").replace(".", "");
    }

    /** An IP address as part of a resource name: {@code 0.0.0.0} → {@code 0-0-0-0}, {@code ::1} → {@code --1}. */
    private static String tag(String bindAddress) {
        return bindAddress.toLowerCase(Locale.ROOT).replaceAll("[^0-9a-f]", "-");
    }

    private void setEnabled(String server, String type, String name, boolean enabled) throws IOException {
        ModelNode read = operation("read-attribute", listener(server, type, name));
        read.get("name").set("enabled");
        if (execute(read).asBoolean(true) == enabled) {
            return;
        }
        ModelNode write = operation("write-attribute", listener(server, type, name));
        write.get("name").set("enabled");
        write.get("value").set(enabled);
        execute(write);
    }

    private List<String> listeners(String server, String type, String prefix) throws IOException {
        ModelNode read = operation("read-children-names", undertowServer(server));
        read.get("child-type").set(type);
        return execute(read).asList().stream().map(ModelNode::asString).filter(n -> n.startsWith(prefix)).toList();
    }

    private boolean exists(ModelNode parent, String childType, String name) throws IOException {
        ModelNode read = operation("read-children-names", parent);
        read.get("child-type").set(childType);
        return execute(read).asList().stream().anyMatch(n -> n.asString().equals(name));
    }

    private static ModelNode socketBindings() {
        return new ModelNode().setEmptyList().add("socket-binding-group", "standard-sockets");
    }

    private static ModelNode elytron(String type, String name) {
        ModelNode address = new ModelNode().setEmptyList();
        address.add("subsystem", "elytron");
        address.add(type, name);
        return address;
    }

    private static ModelNode undertowServer(String server) {
        ModelNode address = new ModelNode().setEmptyList();
        address.add("subsystem", "undertow");
        address.add("server", server);
        return address;
    }

    private static ModelNode listener(String server, String type, String name) {
        ModelNode address = undertowServer(server);
        address.add(type, name);
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
