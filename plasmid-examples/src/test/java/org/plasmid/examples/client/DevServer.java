package org.plasmid.examples.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.plasmid.core.PlasmidHub;
import org.plasmid.examples.server.Serving;
import org.plasmid.servlet.PlasmidServlet;

/**
 * The standalone server on a file hub under a test's directory, with one account, {@code dev} /
 * {@code secret}, that holds every permission: what the protocol clients' tests sync against.
 */
final class DevServer implements AutoCloseable {
    static final String ACCESS = "dev";
    static final String SECRET = "secret";
    private final Serving serving;

    private DevServer(Serving serving) {
        this.serving = serving;
    }

    static DevServer start(Path dir) throws Exception {
        try (PlasmidHub hub = PlasmidHub.open(dir.resolve("hub"))) {
            hub.accounts().setSecret(ACCESS, SECRET);
            hub.accounts().grant(ACCESS, "*", "*", "Yes");
        }
        return new DevServer(Serving.start(dir.resolve("hub"), "127.0.0.1", 0, PlasmidServlet::new,
                Duration.ofSeconds(5)));
    }

    URI api() {
        return serving.apiUri();
    }

    /** Stops the server, which must close its hub cleanly. */
    @Override
    public void close() {
        assertEquals(Serving.Stopped.CLEANLY, serving.stop());
    }
}
