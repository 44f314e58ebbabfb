package org.plasmid.servlet;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.plasmid.core.Change;
import org.plasmid.core.EntryVisitor;

/**
 * Streams a clone answer (PROTOCOL.md §4) as the engine visits the current state, which comes grouped by
 * store: {@code {"data": {store: {key: [revision, value], ...}, ...}, "revision": rev}}. A new store is
 * detected when the visited store name changes. Nothing is sent before the first entry or the end.
 */
final class CloneStream implements EntryVisitor {
    private final Exchange exchange;
    private OutputStream out;
    private JsonGenerator g;
    private String store;

    CloneStream(Exchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public boolean visit(Change change) {
        try {
            start();
            if (!change.store().equals(store)) {
                if (store != null) {
                    g.writeEndObject();
                }
                store = change.store();
                g.writeObjectFieldStart(store);
            }
            g.writeFieldName(change.key());
            g.writeStartArray();
            g.writeNumber(change.revision());
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
     * @param revision the revision the state is at
     * @throws IOException if writing fails
     */
    void finish(long revision) throws IOException {
        start();
        if (store != null) {
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeNumberField("revision", revision);
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
        g.writeObjectFieldStart("data");
    }
}
