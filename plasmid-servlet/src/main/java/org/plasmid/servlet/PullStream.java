package org.plasmid.servlet;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.plasmid.core.Change;
import org.plasmid.core.EntryVisitor;
import org.plasmid.core.PullResult;

/**
 * Streams a pull answer (PROTOCOL.md §4) as the engine visits the changes:
 * {@code {"since": rev, "updates": [[store, revision, key, value], ...], "until": rev[, "more": true]}}.
 * {@code until} is only known at the end, so it comes last (key order does not matter to clients). Nothing
 * is sent before the first change or the end, so a refusal before the first change can still become an
 * error answer. Values pass through byte for byte.
 */
final class PullStream implements EntryVisitor {
    private final Exchange exchange;
    private final long since;
    private OutputStream out;
    private JsonGenerator g;

    PullStream(Exchange exchange, long since) {
        this.exchange = exchange;
        this.since = since;
    }

    @Override
    public boolean visit(Change change) {
        try {
            start();
            g.writeStartArray();
            g.writeString(change.store());
            g.writeNumber(change.revision());
            g.writeString(change.key());
            Json.writeRaw(g, out, change.value());
            g.writeEndArray();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Ends the answer.
     *
     * @param result the engine's summary of the pull
     * @throws IOException if writing fails
     */
    void finish(PullResult result) throws IOException {
        start();
        g.writeEndArray();
        g.writeNumberField("until", result.until());
        if (result.more()) {
            g.writeBooleanField("more", true);
        }
        g.writeEndObject();
        g.close();
        out.flush();
    }

    private void start() throws IOException {
        if (g != null) {
            return;
        }
        out = exchange.startStream();
        g = Json.generator(out);
        g.writeStartObject();
        g.writeNumberField("since", since);
        g.writeArrayFieldStart("updates");
    }
}
