package org.plasmid.examples.server;

import java.io.PrintStream;
import org.plasmid.examples.tools.nodes.CrossNodeLatency;

/** Makes a {@link CrossNodeLatency} that prints to a stream of the test's. */
final class CrossNodeLatencyRunner {
    CrossNodeLatency tool(PrintStream out) {
        return CrossNodeLatency.printingTo(out);
    }
}
