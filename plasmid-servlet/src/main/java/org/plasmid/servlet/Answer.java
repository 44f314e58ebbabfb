package org.plasmid.servlet;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A complete, small HTTP answer: status, extra headers and a JSON body. Streamed answers (pulls, clones)
 * are written by {@link PullStream} and {@link CloneStream} instead.
 *
 * @param status the HTTP status
 * @param headers extra headers (beyond those every response carries)
 * @param body the UTF-8 JSON body
 */
record Answer(int status, Map<String, String> headers, byte[] body) {
    Answer {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** @return the body as text, for tests and messages */
    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
