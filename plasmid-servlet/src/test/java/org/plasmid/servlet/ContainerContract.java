package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.MapDbStorage;

/**
 * The servlet's HTTP contract, run over every servlet container ({@link Container.Kind}: Jetty 12 and
 * Tomcat 11), over real sockets, with the servlet mounted at a context and servlet path ({@value
 * Container#API}): every endpoint of PROTOCOL.md §1 with its success and main refusals
 * ({@link ContainerEndpointsTest}), the limits of §6 ({@link ContainerLimitsTest}), long-polls, a streamed
 * large pull and a graceful stop ({@link ContainerLifecycleTest}). The deeper tests of each part run on
 * Jetty alone (the classes each section names); this is the representative subset every container must
 * pass alike. Each test starts its own container over a fresh hub with an administrator {@code admin} and
 * a user {@code bob} who holds nothing until a test grants it.
 *
 * <p>Where the containers differ in something the servlet does not control, the contract asserts only what
 * the servlet does, and says so where it happens.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Container.Kind.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hung socket fails, never hangs the build
abstract class ContainerContract {
    static final String ADMIN = TestServer.basic("admin", "admin-secret");
    static final String BOB = TestServer.basic("bob", "bob-secret");
    static final int MIB = 1 << 20;

    @Parameter
    Container.Kind kind;
    final ExecutorService clients = Executors.newCachedThreadPool();
    PlasmidHub hub;
    PlasmidServlet servlet;
    Container container;

    @TempDir
    Path dir;

    @BeforeEach
    void createHub() {
        hub = TestServer.fastHub();
        addAccounts(hub);
    }

    static void addAccounts(PlasmidHub h) {
        h.accounts().setSecret("admin", "admin-secret");
        h.accounts().grant("admin", "*", "*", "Yes");
        h.accounts().setSecret("bob", "bob-secret");
    }

    /** @return a hub in {@link #dir}, so on disk (each open of it is a fresh journal) */
    PlasmidHub onDisk() {
        return PlasmidHub.builder().storage(MapDbStorage.open(dir.resolve("hub")), true).secretHashIterations(1000)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        clients.shutdownNow();
        try {
            if (container != null) {
                container.close();
            }
        } finally {
            hub.close();
        }
    }

    void start() throws Exception {
        start(PlasmidServletOptions.defaults());
    }

    void start(PlasmidServletOptions options) throws Exception {
        start(options, Container.Mount.DEFAULT);
    }

    void start(PlasmidServletOptions options, Container.Mount mount) throws Exception {
        servlet = new PlasmidServlet(hub, options);
        container = kind.start(servlet, mount);
    }

    // ---- requests: each answer the servlet gives is checked for the headers every answer carries (§2)

    RawHttp.Response send(String method, String path, String auth, String body) throws IOException {
        return send(new RawHttp.Request(method, Container.API + path), auth, body);
    }

    RawHttp.Response send(RawHttp.Request request, String auth, String body) throws IOException {
        if (auth != null) {
            request.header("Authorization", auth);
        }
        RawHttp.Response r = container.http(30_000).send(body == null ? request.end()
                : request.body(body.getBytes(StandardCharsets.UTF_8)));
        assertProtocolHeaders(r);
        return r;
    }

    RawHttp.Response get(String path, String auth) throws IOException {
        return send("GET", path, auth, null);
    }

    RawHttp.Response post(String path, String auth, String body) throws IOException {
        return send("POST", path, auth, body);
    }

    static void assertProtocolHeaders(RawHttp.Response r) {
        assertEquals("no-store", r.header("Cache-Control"), r.toString());
        if (r.status() != 204) {
            // Jetty sends the type as the servlet set it, Tomcat without the space: the same type
            assertEquals("application/json;charset=utf-8", r.header("Content-Type").toLowerCase(Locale.ROOT)
                    .replace(" ", ""), r.toString());
            TestJson.parse(r.text());
        }
    }

    static Map<String, Object> json(RawHttp.Response r) {
        return TestJson.object(r.text());
    }

    static void assertAnswer(int status, String reason, RawHttp.Response r) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(reason, json(r).get("reason"), r.toString());
    }

    /** Reads one answer from a connection whose request was written by hand. */
    static RawHttp.Response readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                return RawHttp.parse(all.toByteArray(), true, false);
            }
            all.write(buf, 0, n);
            RawHttp.Response r = RawHttp.parse(all.toByteArray(), false, false);
            if (r != null) {
                return r;
            }
        }
    }

    long revisionOf(String database) {
        return hub.find(database).map(i -> i.revision()).orElse(-1L);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Sends a pull (a long-poll, with {@code ?wait}) as the administrator, without waiting for its answer. */
    Future<RawHttp.Response> poll(String path) {
        return clients.submit(() -> get(path, ADMIN));
    }
}
