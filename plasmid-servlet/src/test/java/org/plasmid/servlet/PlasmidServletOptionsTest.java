package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlasmidServletOptionsTest {

    @Test
    void defaults_matchTheProtocol() {
        PlasmidServletOptions d = PlasmidServletOptions.defaults();
        assertEquals(16L << 20, d.maxBodyBytes());
        assertEquals(1 << 20, d.maxValueBytes());
        assertEquals(64, d.maxDepth());
        assertEquals(10_000, d.maxHeldPolls());
        assertFalse(d.corsEnabled());
        assertEquals(10, d.maxAuthFailuresPerAccess());
        assertEquals(30, d.maxAuthFailuresPerAddress());
        assertEquals(Duration.ofMinutes(1), d.authFailureWindow());
    }

    @Test
    void eachSetter_mayBeCalledOnce() {
        PlasmidServletOptions.Builder b = PlasmidServletOptions.builder().maxDepth(10);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.maxDepth(11));
        assertEquals("maxDepth was already set", e.getMessage());
    }

    @Test
    void outOfRangeValues_areRefused_withPreciseMessages() {
        assertEquals("maxBodyBytes must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> PlasmidServletOptions.builder().maxBodyBytes(0)).getMessage());
        assertEquals("maxDepth must be 1-1000, got 1001", assertThrows(IllegalArgumentException.class,
                () -> PlasmidServletOptions.builder().maxDepth(1001)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PlasmidServletOptions.builder().maxValueBytes(0));
        assertThrows(IllegalArgumentException.class, () -> PlasmidServletOptions.builder().maxHeldPolls(0));
        assertEquals("maxAuthFailuresPerAccess must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> PlasmidServletOptions.builder().maxAuthFailuresPerAccess(0)).getMessage());
        assertEquals("maxAuthFailuresPerAddress must be at least 1, got -1", assertThrows(IllegalArgumentException.class,
                () -> PlasmidServletOptions.builder().maxAuthFailuresPerAddress(-1)).getMessage());
        assertEquals("authFailureWindow must be 1 second to 1 day, got PT0.5S", assertThrows(
                IllegalArgumentException.class, () -> PlasmidServletOptions.builder()
                        .authFailureWindow(Duration.ofMillis(500))).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PlasmidServletOptions.builder().authFailureWindow(Duration.ofDays(1).plusSeconds(1)));
        assertEquals("maxValueBytes (2000) must not exceed maxBodyBytes (1000)", assertThrows(IllegalStateException.class,
                () -> PlasmidServletOptions.builder().maxBodyBytes(1000).maxValueBytes(2000).build()).getMessage());
    }

    @Test
    void corsOrigins_areValidatedAndNormalized() {
        PlasmidServletOptions o = PlasmidServletOptions.builder()
                .corsAllowedOrigins(List.of("HTTPS://App.Example.com:443", "http://localhost:8080", "*")).build();
        assertEquals(List.of("https://app.example.com", "http://localhost:8080", "*"), o.corsAllowedOrigins());
        assertTrue(o.corsEnabled());
        for (String bad : new String[] {"ftp://x.example", "https://x.example/path", "x.example", "null", ""}) {
            assertThrows(IllegalArgumentException.class,
                    () -> PlasmidServletOptions.builder().corsAllowedOrigins(List.of(bad)), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> PlasmidServletOptions.builder().corsAllowedOrigins(List.of()));
    }
}
