package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.examples.CtlJar;
import org.plasmid.examples.Device;
import org.plasmid.examples.TestCertificates;

/**
 * HTTPS in the real {@code plasmidctl.jar}: a self-signed certificate made by the test, as a PKCS12
 * keystore and as a PEM pair; a real client that verifies it against the test's trust store syncs; a
 * wrong password or an unreadable key is one clear line and exit 1, conflicting flags exit 2; plain HTTP
 * to the TLS port gets no data; the redirect port sends plain HTTP to HTTPS.
 */
class HttpsIT {
    private static final Map<String, String> PASSWORD = Map.of("PLASMID_TLS_KEYSTORE_PASSWORD", TestCertificates.PASSWORD);

    @TempDir
    Path work;

    private TestCertificates certs;
    private int databases;

    @BeforeEach
    void credentials() throws Exception {
        certs = TestCertificates.create(work);
        CtlJar.Result secret = CtlJar.run(work, "--set-secret", "test", "secret123");
        assertEquals(0, secret.exitCode(), secret::toString);
        assertEquals(0, CtlJar.run(work, "--grant-permission", "test", "*", "*").exitCode());
    }

    /** Two devices sync over HTTPS, verifying the server's certificate against the test's trust store. */
    private void sync(URI api) throws Exception {
        assertTrue(api.toString().startsWith("https://127.0.0.1:"), api::toString);
        SSLContext before = SSLContext.getDefault();
        SSLContext.setDefault(certs.trustingIt()); // the clients' HttpClients take the default context
        try {
            String db = "notes" + ++databases;
            Device a = new Device(api, db, "test", "secret123");
            Device b = new Device(api, db, "test", "secret123");
            assertEquals(200, a.push("things", "milk", Map.of("qty", 2)).status());
            b.pull();
            a.pull();
            assertEquals(a.local, b.local);
            assertFalse(b.local.isEmpty());
        } finally {
            SSLContext.setDefault(before);
        }
        // A client that trusts only the usual authorities refuses the self-signed certificate.
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.resolve("../health/live")).build(),
                    HttpResponse.BodyHandlers.discarding());
            throw new AssertionError("an untrusted certificate was accepted");
        } catch (SSLHandshakeException expected) {
            // as it should be
        }
    }

    private static String rawPlainHttp(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /plasmid/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0;) {
                    all.write(buf, 0, n);
                }
            } catch (IOException reset) {
                // a reset is a clean refusal too
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aKeystore_servesHttps_http2Too_andPlainHttpToItsPortGetsNoData_andTheRedirectPortRedirects() throws Exception {
        try (CtlJar.Server server = CtlJar.serve(PASSWORD, work, "--port", "0", "--redirect-http-port", "0",
                "--tls-keystore", certs.keystore().toString())) {
            URI api = server.api();
            sync(api);

            HttpClient h2 = HttpClient.newBuilder().sslContext(certs.trustingIt()).version(HttpClient.Version.HTTP_2)
                    .build();
            HttpResponse<String> live = h2.send(HttpRequest.newBuilder(api.resolve("../health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, live.version(), "ALPN chose HTTP/2");
            assertTrue(live.headers().firstValue("X-Request-Id").isPresent());

            String plain = rawPlainHttp(api.getPort());
            // Jetty closes the connection (after a TLS alert, or a 400): never an answer with data
            assertFalse(plain.contains("\"status\"") || plain.contains("HTTP/1.1 2") || plain.contains("HTTP/1.1 3"),
                    "no data over plain HTTP: " + plain);

            java.util.regex.Matcher redirect = java.util.regex.Pattern.compile("redirecting plain HTTP from port (\\d+)")
                    .matcher(server.log());
            assertTrue(redirect.find(), server.log());
            HttpResponse<Void> moved = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + redirect.group(1) + "/plasmid/v1/d/notes")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertTrue(moved.statusCode() == 301 || moved.statusCode() == 302 || moved.statusCode() == 307,
                    "status " + moved.statusCode());
            assertEquals("https://127.0.0.1:" + api.getPort() + "/plasmid/v1/d/notes",
                    moved.headers().firstValue("Location").orElse(""));
            assertEquals(0, server.terminate(), server::log);
        }
    }

    @Test
    void aPemPair_asLetsEncryptIssuesIt_servesHttps_andAPkcs1KeyIsReadToo() throws Exception {
        Path chain = certs.writeChain(work.resolve("fullchain.pem"));
        for (Path key : new Path[] {certs.writeKey(work.resolve("privkey.pem")), certs.writeRsaKey(work.resolve("rsa.pem"))}) {
            try (CtlJar.Server server = CtlJar.serve(work, "--port", "0", "--tls-cert", chain.toString(),
                    "--tls-key", key.toString())) {
                sync(server.api());
                assertEquals(0, server.terminate(), server::log);
            }
        }
    }

    @Test
    void aWrongPassword_anUnsetOne_orAnUnreadableKey_isOneClearLine_andExit1() throws Exception {
        String ks = certs.keystore().toString();
        CtlJar.Result wrong = CtlJar.run(Map.of("PLASMID_TLS_KEYSTORE_PASSWORD", "not-it"), work, "--port", "0",
                "--tls-keystore", ks);
        assertEquals(1, wrong.exitCode(), wrong::toString);
        assertEquals("plasmidctl: cannot open keystore " + ks + ": the password in PLASMID_TLS_KEYSTORE_PASSWORD is wrong\n",
                wrong.err());

        CtlJar.Result unset = CtlJar.run(work, "--port", "0", "--tls-keystore", ks);
        assertEquals(1, unset.exitCode(), unset::toString);
        assertEquals("plasmidctl: --tls-keystore needs the keystore's password in the environment variable "
                + "PLASMID_TLS_KEYSTORE_PASSWORD, which is not set\n", unset.err());

        Path chain = certs.writeChain(work.resolve("fullchain.pem"));
        Path garbage = Files.writeString(work.resolve("garbage.pem"), "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"
                + "-----END OPENSSH PRIVATE KEY-----\n");
        CtlJar.Result unreadable = CtlJar.run(work, "--port", "0", "--tls-cert", chain.toString(), "--tls-key",
                garbage.toString());
        assertEquals(1, unreadable.exitCode(), unreadable::toString);
        assertEquals(1, unreadable.err().lines().count(), unreadable::toString);
        assertTrue(unreadable.err().startsWith("plasmidctl: --tls-key " + garbage + " holds a OPENSSH PRIVATE KEY")
                && unreadable.err().contains("openssl pkcs8 -topk8 -nocrypt"), unreadable::toString);
        assertFalse(Files.exists(work.resolve("hub").resolve("hub.lock")) && !unreadable.err().isEmpty()
                && unreadable.err().contains("Exception"), "no stack trace");
    }

    @Test
    void conflictingFlags_areBadUsage_exit2() throws Exception {
        Path chain = certs.writeChain(work.resolve("fullchain.pem"));
        Path key = certs.writeKey(work.resolve("privkey.pem"));
        String[][] lines = {
            {"--tls-keystore", certs.keystore().toString(), "--tls-cert", chain.toString(), "--tls-key", key.toString()},
            {"--tls-cert", chain.toString()},
            {"--port", "9443", "--metrics-port", "9443"},
            {"--redirect-http-port", "8080"},
            {"--tls-alias", "x"},
        };
        for (String[] args : lines) {
            CtlJar.Result r = CtlJar.run(PASSWORD, work, args);
            assertEquals(2, r.exitCode(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().startsWith("plasmidctl: "), r::toString);
        }
    }
}
