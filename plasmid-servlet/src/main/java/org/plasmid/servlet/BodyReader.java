package org.plasmid.servlet;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body on the calling thread, for a servlet registered without async support: the
 * thread blocks while the client sends, so the pace ({@link BodyPace}) can only be checked between
 * reads; a client that stalls altogether is ended by the container's idle timeout. With async support
 * {@link AsyncBody} reads instead, holding no thread. Either way a declared {@code Content-Length} above
 * the limit is refused before reading, and the body is buffered as it arrives ({@link BodyBuffer}).
 */
final class BodyReader {
    private BodyReader() {
    }

    /**
     * @param in the request body
     * @param declaredLength the {@code Content-Length}, or -1 if unknown
     * @param limit the most bytes accepted
     * @param pace the pace the body must keep
     * @return the body
     * @throws RequestException 413 if the body is longer than {@code limit}, 408 if it fell behind the pace
     * @throws IOException if reading fails
     */
    static Body read(InputStream in, long declaredLength, long limit, BodyPace pace)
            throws RequestException, IOException {
        if (declaredLength > limit) {
            throw BodyBuffer.tooLarge(limit);
        }
        BodyBuffer buffer = new BodyBuffer(limit);
        long start = System.nanoTime();
        while (buffer.readFrom(in) >= 0) {
            String behind = pace.violation(start, System.nanoTime(), buffer.length());
            if (behind != null) {
                throw new RequestException(Answers.timeout(behind));
            }
        }
        return buffer.body();
    }
}
