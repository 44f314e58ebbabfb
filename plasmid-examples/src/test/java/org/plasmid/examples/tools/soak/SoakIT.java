package org.plasmid.examples.tools.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The soak as CI runs it: about 30 seconds (5 s warm-up, 25 s measured; {@code -Dplasmid.soak.seconds=N}
 * for longer) of mixed load on an embedded server. Fails on any 5xx, any answer the protocol does not
 * allow, any request without an answer, or heap/descriptor growth beyond the soak's bounds.
 */
class SoakIT {
    @Test
    void thirtySecondsOfMixedLoad_getsOnlyExpectedAnswers_andTheServerDoesNotGrow() {
        long seed = Long.getLong("plasmid.soak.seed", -7285268396827994105L); // fixed: the same mix every run
        Duration duration = Duration.ofSeconds(Integer.getInteger("plasmid.soak.seconds", 25));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SoakReport report = Soak.run(new Soak.Options(duration, Duration.ofSeconds(5), null, "soak", null, 6, 3, 300, seed),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);

        assertEquals(List.of(), report.failures(), printed);
        assertEquals(0, report.stats().serverErrors() + report.warmup().serverErrors(), printed);
        assertEquals(0, report.stats().unexpected() + report.warmup().unexpected(), printed);
        assertEquals(0, report.stats().noAnswers() + report.warmup().noAnswers(), printed);
        SoakReport.Footprint footprint = report.resources();
        assertNotNull(footprint, "measured for the embedded server");
        assertFalse(footprint.heapGrew(), printed);
        assertFalse(footprint.fdsGrew(), printed);
        assertTrue(footprint.fdsStart() > 0, printed);
        for (String kind : SoakStats.KINDS) {
            assertTrue(report.stats().latency(kind).count() > 0, kind + " requests were made\n" + printed);
        }
        Set<Integer> refusals = report.stats().statuses("bad").keySet();
        assertTrue(refusals.containsAll(Set.of(400, 403, 404, 405))
                && (refusals.contains(401) || refusals.contains(429))
                && Set.of(400, 401, 403, 404, 405, 429).containsAll(refusals),
                "every kind of refusal was provoked and answered as the protocol says (429: a wrong secret"
                        + " throttled): " + refusals + "\n" + printed);
        assertTrue(report.passed(), printed);
    }
}
