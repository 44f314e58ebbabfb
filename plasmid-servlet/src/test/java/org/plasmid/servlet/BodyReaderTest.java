package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BodyReaderTest {

    /** A stream that counts what was taken from it. */
    private static final class Source extends ByteArrayInputStream {
        Source(int n) {
            super(new byte[n]);
        }

        int taken() {
            return pos;
        }
    }

    @Test
    void aBodyWithinTheLimit_isReadWhole_declaredOrNot() throws Exception {
        for (long declared : new long[] {100_000, -1}) {
            byte[] data = new byte[100_000];
            Arrays.fill(data, (byte) 'x');
            BodyReader.Body b = BodyReader.read(new ByteArrayInputStream(data), declared, 100_000);
            assertEquals(100_000, b.length());
            assertEquals(data.length, Arrays.copyOf(b.bytes(), b.length()).length);
        }
    }

    @Test
    void aDeclaredLengthOverTheLimit_isRefusedBeforeReading() {
        Source in = new Source(2000);
        RequestException e = assertThrows(RequestException.class, () -> BodyReader.read(in, 2000, 1000));
        assertEquals(413, e.answer().status());
        assertEquals(0, in.taken());
    }

    @Test
    void anUndeclaredBodyOverTheLimit_isRefused_afterReadingOneByteMoreThanTheLimit() {
        Source in = new Source(50_000);
        RequestException e = assertThrows(RequestException.class, () -> BodyReader.read(in, -1, 20_000));
        assertEquals(413, e.answer().status());
        assertEquals(20_001, in.taken());
    }

    @Test
    void aBodyLongerThanDeclared_isStillCappedAtTheLimit() {
        InputStream in = new Source(5000);
        assertThrows(RequestException.class, () -> BodyReader.read(in, 100, 1000));
    }
}
