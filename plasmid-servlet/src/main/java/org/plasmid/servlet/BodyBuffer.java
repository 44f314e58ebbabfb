package org.plasmid.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Collects a request body as it arrives, growing with what arrived — never allocated from the
 * {@code Content-Length} a client declares, so that bodies which declare much and send little cost
 * little — and refuses it (413) at the first byte past the limit. Not thread-safe: one reader at a time.
 */
final class BodyBuffer {
    /** The capacity of the first allocation, at the first byte. */
    static final int FIRST_CAPACITY = 1024;
    /** The largest limit a buffer can hold: one byte past it must fit in an array. */
    static final int MAX_LIMIT = Integer.MAX_VALUE - 9;

    private final int limit;
    private byte[] bytes = new byte[0];
    private int length;

    /** @param limit the most bytes accepted (above {@link #MAX_LIMIT}: that) */
    BodyBuffer(long limit) {
        this.limit = (int) Math.min(limit, MAX_LIMIT);
    }

    /**
     * Reads once from {@code in}, as much as fits (growing the buffer first if it is full).
     *
     * @param in the body stream; in non-blocking mode, call only when it is ready
     * @return the bytes read, or -1 at the end of the body
     * @throws RequestException 413 once the body is longer than the limit
     * @throws IOException if reading fails
     */
    int readFrom(InputStream in) throws IOException, RequestException {
        if (length == bytes.length) {
            // up to limit + 1: the byte past the limit must have room to arrive, to be refused
            bytes = Arrays.copyOf(bytes, (int) Math.min(limit + 1L, Math.max(FIRST_CAPACITY, 2L * bytes.length)));
        }
        int n = in.read(bytes, length, bytes.length - length);
        if (n > 0) {
            length += n;
            if (length > limit) {
                throw tooLarge(limit);
            }
        }
        return n;
    }

    /** @return the bytes received so far */
    int length() {
        return length;
    }

    /** @return the bytes allocated so far (at most twice what arrived, or the first capacity) */
    int capacity() {
        return bytes.length;
    }

    /** @return the body received (the buffer is shared, not copied) */
    Body body() {
        return new Body(bytes, length);
    }

    /** @return the 413 refusal of a body over {@code limit} bytes */
    static RequestException tooLarge(long limit) {
        return RequestException.tooLarge("request body exceeds the limit of " + limit + " bytes");
    }
}
