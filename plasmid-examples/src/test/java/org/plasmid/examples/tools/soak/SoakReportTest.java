package org.plasmid.examples.tools.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's verdict: what fails it, and what it allows. */
class SoakReportTest {
    private static final long MIB = 1 << 20;

    private static SoakStats healthy() {
        SoakStats s = new SoakStats();
        s.record("pull", 200, 1_000_000);
        s.record("bad", 400, 1_000_000);
        return s;
    }

    private static SoakReport report(SoakStats stats, SoakReport.Footprint footprint) {
        return new SoakReport("test", 1_000_000_000L, new SoakStats(), stats, footprint, List.of());
    }

    private static String printed(SoakReport r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onlyExpectedAnswers_andNoGrowth_pass() {
        SoakReport r = report(healthy(), new SoakReport.Footprint(100 * MIB, 140 * MIB, 80, 120));
        assertTrue(r.passed(), r.failures().toString());
        assertTrue(printed(r).endsWith("PASS\n"), printed(r));
    }

    @Test
    void a5xx_fails() {
        SoakStats s = healthy();
        s.record("push", 503, 1_000_000);
        SoakReport r = report(s, null);
        assertFalse(r.passed());
        assertTrue(r.failures().contains("1 answers with a 5xx status"), r.failures().toString());
    }

    @Test
    void a5xxDuringTheWarmUp_failsToo() {
        SoakStats warmup = new SoakStats();
        warmup.record("pull", 500, 1_000_000);
        assertFalse(new SoakReport("test", 1, warmup, healthy(), null, List.of()).passed());
    }

    @Test
    void anUnexpectedAnswer_orNoAnswer_fails() {
        SoakStats s = healthy();
        s.unexpected("bad request (wrong method): HTTP 404");
        assertFalse(report(s, null).passed());
        SoakStats t = healthy();
        t.record("clone", -1, 1_000_000);
        assertEquals(List.of("1 requests without an answer"), report(t, null).failures());
    }

    @Test
    void heapGrowth_isBoundedBy64MiB_orHalfTheStart_whicheverIsMore() {
        assertTrue(report(healthy(), new SoakReport.Footprint(20 * MIB, 84 * MIB, 10, 10)).passed(), "+64 MiB");
        assertFalse(report(healthy(), new SoakReport.Footprint(20 * MIB, 84 * MIB + 1, 10, 10)).passed());
        assertTrue(report(healthy(), new SoakReport.Footprint(200 * MIB, 300 * MIB, 10, 10)).passed(), "+50%");
        assertFalse(report(healthy(), new SoakReport.Footprint(200 * MIB, 300 * MIB + 1, 10, 10)).passed());
    }

    @Test
    void descriptorGrowth_beyond50_fails() {
        assertTrue(report(healthy(), new SoakReport.Footprint(MIB, MIB, 100, 150)).passed());
        SoakReport r = report(healthy(), new SoakReport.Footprint(MIB, MIB, 100, 151));
        assertFalse(r.passed());
        assertTrue(printed(r).contains("open file descriptors: start 100, end 151; bound start + 50 = 150: EXCEEDED"),
                printed(r));
    }

    @Test
    void withoutAFootprint_theReportSaysItWasNotMeasured() {
        assertTrue(printed(report(healthy(), null)).contains("not measured"));
    }

    @Test
    void noRequestsAtAll_fails() {
        assertFalse(report(new SoakStats(), null).passed());
    }

    @Test
    void requestsAreSortedIntoKindsByMethodAndPath() {
        assertEquals("push", SoakStats.kindOf("POST", "d/x/update/"));
        assertEquals("long-poll", SoakStats.kindOf("GET", "d/x/update/5?wait=1.0"));
        assertEquals("pull", SoakStats.kindOf("GET", "d/x/update/5?limit=100"));
        assertEquals("clone", SoakStats.kindOf("GET", "d/x/clone"));
        assertEquals("info", SoakStats.kindOf("GET", "d/x"));
    }
}
