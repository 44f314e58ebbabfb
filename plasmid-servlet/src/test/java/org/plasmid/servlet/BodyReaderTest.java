package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
    private static final BodyPace ANY_PACE = new BodyPace(0, Duration.ZERO, Duration.ofDays(1));
    private static final int MIB = 1 << 20;

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
            Body b = BodyReader.read(new ByteArrayInputStream(data), declared, 100_000, ANY_PACE);
            assertEquals(100_000, b.length());
            assertEquals(data.length, Arrays.copyOf(b.bytes(), b.length()).length);
        }
    }

    @Test
    void aDeclaredLengthOverTheLimit_isRefusedBeforeReading() {
        Source in = new Source(2000);
        RequestException e = assertThrows(RequestException.class, () -> BodyReader.read(in, 2000, 1000, ANY_PACE));
        assertEquals(413, e.answer().status());
        assertEquals(0, in.taken());
    }

    @Test
    void anUndeclaredBodyOverTheLimit_isRefused_afterReadingOneByteMoreThanTheLimit() {
        Source in = new Source(50_000);
        RequestException e = assertThrows(RequestException.class, () -> BodyReader.read(in, -1, 20_000, ANY_PACE));
        assertEquals(413, e.answer().status());
        assertEquals(20_001, in.taken());
    }

    @Test
    void aBodyLongerThanDeclared_isStillCappedAtTheLimit() {
        InputStream in = new Source(5000);
        assertThrows(RequestException.class, () -> BodyReader.read(in, 100, 1000, ANY_PACE));
    }

    @Test
    void aBodyDeclaring16MiB_butSending10Bytes_holdsAKilobyte_not16MiB() throws Exception {
        Body b = BodyReader.read(new Source(10), 16 * MIB, 16 * MIB, ANY_PACE);
        assertEquals(10, b.length());
        assertEquals(BodyBuffer.FIRST_CAPACITY, b.bytes().length, "the buffer grows with what arrived");
    }

    @Test
    void theBuffer_growsWithWhatArrived_atMostTwiceIt_andOneBytePastTheLimit() throws Exception {
        BodyBuffer buffer = new BodyBuffer(16 * MIB);
        assertEquals(0, buffer.capacity(), "nothing is allocated before the first byte");
        InputStream in = new Source(100_000);
        while (buffer.readFrom(in) >= 0) {
            assertTrue(buffer.capacity() <= Math.max(BodyBuffer.FIRST_CAPACITY, 2 * buffer.length()),
                    buffer.capacity() + " for " + buffer.length());
        }
        assertEquals(100_000, buffer.length());
        BodyBuffer small = new BodyBuffer(3000);
        InputStream more = new Source(5000);
        assertThrows(RequestException.class, () -> {
            while (small.readFrom(more) >= 0) {
                assertTrue(small.capacity() <= 3001, "never more than one byte past the limit");
            }
        });
    }

    @Test
    void thePace_allowsAnythingDuringTheGrace_thenWantsTheAverageRate_andEndsAtTheDeadline() {
        long s = 1_000_000_000L;
        BodyPace pace = new BodyPace(100, Duration.ofSeconds(2), Duration.ofSeconds(10));
        assertEquals(null, pace.violation(0, 2 * s - 1, 0), "within the grace period");
        assertTrue(pace.violation(0, 2 * s, 199).contains("slower than 100 bytes per second"));
        assertEquals(null, pace.violation(0, 2 * s, 200));
        assertEquals(null, pace.violation(0, 9 * s, 900));
        assertTrue(pace.violation(0, 10 * s, 1_000_000).contains("within 10 seconds"), "the deadline");
        assertEquals(2 * s, pace.fallsBehindAt(0, 10), "a stalled body is checked when the grace ends");
        assertEquals(5 * s + 1, pace.fallsBehindAt(0, 500), "when its average would drop below the rate");
        assertEquals(10 * s, pace.fallsBehindAt(0, 1_000_000), "at the latest at the deadline");
        assertEquals(10 * s, new BodyPace(0, Duration.ZERO, Duration.ofSeconds(10)).fallsBehindAt(0, 0));
    }

    @Test
    void aContainersIdleTimeout_isRecognized_asEachContainerReportsIt() {
        // Jetty: an IOException caused by a TimeoutException; Tomcat: its ClientAbortException around a
        // SocketTimeoutException
        assertTrue(BodyIntake.timedOut(new java.io.IOException(new java.util.concurrent.TimeoutException("idle"))));
        assertTrue(BodyIntake.timedOut(new org.apache.catalina.connector.ClientAbortException(
                new java.net.SocketTimeoutException())));
        assertTrue(BodyIntake.timedOut(new java.net.SocketTimeoutException()));
        assertTrue(BodyIntake.timedOut(new java.util.concurrent.TimeoutException()));
        assertEquals(false, BodyIntake.timedOut(new java.io.EOFException("cut short")));
        assertEquals(false, BodyIntake.timedOut(new org.apache.catalina.connector.ClientAbortException(
                new java.io.EOFException())));
    }
}
