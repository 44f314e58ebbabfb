package org.plasmid.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a request body into memory without ever holding more than the body limit: a declared
 * {@code Content-Length} above the limit is refused before reading, and a body without one (chunked) is
 * counted as it arrives and refused at the first byte past the limit.
 */
final class BodyReader {
    private static final int FIRST_CHUNK = 8192;

    private BodyReader() {
    }

    /** A body: the first {@code length} bytes of {@code bytes}. */
    record Body(byte[] bytes, int length) {
        boolean isBlank() {
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * @param in the request body
     * @param declaredLength the {@code Content-Length}, or -1 if unknown
     * @param limit the most bytes accepted (at most {@code Integer.MAX_VALUE - 8})
     * @return the body
     * @throws RequestException 413 if the body is longer than {@code limit}
     * @throws IOException if reading fails
     */
    static Body read(InputStream in, long declaredLength, long limit) throws RequestException, IOException {
        long max = Math.min(limit, Integer.MAX_VALUE - 8L);
        if (declaredLength > max) {
            throw tooLarge(max);
        }
        byte[] buf = new byte[(int) (declaredLength >= 0 ? declaredLength : Math.min(FIRST_CHUNK, max))];
        int length = 0;
        while (true) {
            if (length == buf.length) {
                int next = in.read(); // the buffer is full: is there more before growing it?
                if (next < 0) {
                    break;
                }
                if (length >= max) {
                    throw tooLarge(max);
                }
                buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(FIRST_CHUNK, (long) length * 2)));
                buf[length++] = (byte) next;
                continue;
            }
            int n = in.read(buf, length, buf.length - length);
            if (n < 0) {
                break;
            }
            length += n;
        }
        return new Body(buf, length);
    }

    private static RequestException tooLarge(long max) {
        return RequestException.tooLarge("request body exceeds the limit of " + max + " bytes");
    }
}
