package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlasmidServletOptionsTest {

    /** The init-params of a servlet declared in web.xml. */
    private static ServletConfig config(Map<String, String> params) {
        return new ServletConfig() {
            @Override
            public String getServletName() {
                return "sync";
            }

            @Override
            public ServletContext getServletContext() {
                throw new UnsupportedOperationException();
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }

    @Test
    void defaults_matchTheProtocol() {
        PlasmidServletOptions d = PlasmidServletOptions.defaults();
        assertEquals(16L << 20, d.maxBodyBytes());
        assertEquals(1 << 20, d.maxValueBytes());
        assertEquals(64, d.maxDepth());
        assertEquals(100_000, d.maxObjectsPerPush());
        assertEquals(1024, d.minBodyBytesPerSecond());
        assertEquals(Duration.ofSeconds(10), d.bodyRateGracePeriod());
        assertEquals(Duration.ofSeconds(120), d.bodyDeadline());
        assertEquals(10_000, d.maxHeldPolls());
        assertEquals(100, d.maxHeldPollsPerAccess());
        assertEquals(5_000, d.maxHeldPollsPerAddress());
        assertEquals(Duration.ofSeconds(25), d.maxWait());
        assertFalse(d.corsEnabled());
        assertEquals(10, d.maxAuthFailuresPerAccess());
        assertEquals(30, d.maxAuthFailuresPerAddress());
        assertEquals(Duration.ofMinutes(1), d.authFailureWindow());
        assertEquals(60, d.maxGuestsPerAddress());
        assertEquals(Duration.ofHours(1), d.guestWindow());
        assertEquals(262144, d.outOfDateUpdatesBytes());
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

    @Test
    void everyInitParam_setsItsOption_underItsDocumentedName() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("max-body-bytes", "5000");
        params.put("max-value-bytes", " 400 ");
        params.put("max-objects-per-push", "12");
        params.put("min-body-bytes-per-second", "0");
        params.put("body-rate-grace-seconds", "3");
        params.put("body-deadline-seconds", "30");
        params.put("max-depth", "7");
        params.put("max-held-polls", "9");
        params.put("max-held-polls-per-access", "10");
        params.put("max-held-polls-per-address", "11");
        params.put("max-wait-seconds", "5");
        params.put("cors-allowed-origins", "https://a.example, https://B.example:8443");
        params.put("auth-failures-per-access", "3");
        params.put("auth-failures-per-address", "4");
        params.put("auth-failure-window-seconds", "90");
        params.put("auth-queue-seconds", "7");
        params.put("guests-per-address", "13");
        params.put("guest-window-seconds", "600");
        params.put("outofdate-updates-bytes", "0");
        params.put("ready-timeout-seconds", "4");
        params.put("request-log", "false");
        assertEquals(PlasmidServletOptions.ALL.size(), params.size(), "a test value for every option");
        PlasmidServletOptions o = InitParams.options(config(params));
        assertEquals(5000, o.maxBodyBytes());
        assertEquals(400, o.maxValueBytes());
        assertEquals(12, o.maxObjectsPerPush());
        assertEquals(0, o.minBodyBytesPerSecond());
        assertEquals(Duration.ofSeconds(3), o.bodyRateGracePeriod());
        assertEquals(Duration.ofSeconds(30), o.bodyDeadline());
        assertEquals(7, o.maxDepth());
        assertEquals(9, o.maxHeldPolls());
        assertEquals(10, o.maxHeldPollsPerAccess());
        assertEquals(11, o.maxHeldPollsPerAddress());
        assertEquals(Duration.ofSeconds(5), o.maxWait());
        assertEquals(List.of("https://a.example", "https://b.example:8443"), o.corsAllowedOrigins());
        assertEquals(3, o.maxAuthFailuresPerAccess());
        assertEquals(4, o.maxAuthFailuresPerAddress());
        assertEquals(Duration.ofSeconds(7), o.authQueueWait());
        assertEquals(Duration.ofSeconds(90), o.authFailureWindow());
        assertEquals(13, o.maxGuestsPerAddress());
        assertEquals(Duration.ofMinutes(10), o.guestWindow());
        assertEquals(0, o.outOfDateUpdatesBytes());
        assertEquals(Duration.ofSeconds(4), o.readyTimeout());
        assertEquals(false, o.requestLog());
    }

    @Test
    void absentOrBlankInitParams_keepTheDefaults() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        for (Option<?> option : PlasmidServletOptions.ALL) {
            params.put(option.param(), " ");
        }
        assertEquals(PlasmidServletOptions.defaults().toString(), InitParams.options(config(params)).toString());
        assertEquals(PlasmidServletOptions.defaults().toString(), InitParams.options(config(Map.of())).toString());
    }

    @Test
    void anInvalidInitParam_failsWithAMessageNamingIt_andItsRange() {
        ServletException e = assertThrows(ServletException.class,
                () -> InitParams.options(config(Map.of("max-depth", "2000"))));
        assertEquals("PlasmidServlet sync: invalid init-param max-depth (" + PlasmidServletOptions.MAX_DEPTH.doc()
                + "): maxDepth must be 1-1000, got 2000", e.getMessage());
        e = assertThrows(ServletException.class,
                () -> InitParams.options(config(Map.of("auth-failure-window-seconds", "1.5"))));
        assertTrue(e.getMessage().contains("auth-failure-window-seconds") && e.getMessage().endsWith(
                "must be a whole number of seconds, got '1.5'"), e.getMessage());
        e = assertThrows(ServletException.class, () -> InitParams.options(config(Map.of("max-body-bytes", "10",
                "max-value-bytes", "20"))));
        assertTrue(e.getMessage().endsWith("maxValueBytes (20) must not exceed maxBodyBytes (10)"), e.getMessage());
    }

    @Test
    void initParam_setsAnyOption_byItsInitParamName_fromText_asWebXmlWould() throws Exception {
        assertEquals(PlasmidServletOptions.ALL.stream().map(Option::param).toList(),
                PlasmidServletOptions.initParamNames());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("max-held-polls-per-address", " 12000 ");
        params.put("max-wait-seconds", "5");
        params.put("cors-allowed-origins", "https://A.example");
        params.put("request-log", "FALSE");
        PlasmidServletOptions.Builder b = PlasmidServletOptions.builder();
        params.forEach(b::initParam);
        assertEquals(InitParams.options(config(params)).toString(), b.build().toString());
        assertEquals(12_000, b.build().maxHeldPollsPerAddress());
    }

    @Test
    void initParam_refusesAnUnknownName_aBadValue_andASecondSetting_inOneSentence() {
        PlasmidServletOptions.Builder b = PlasmidServletOptions.builder();
        String unknown = assertThrows(IllegalArgumentException.class, () -> b.initParam("max-polls", "1")).getMessage();
        assertEquals("unknown init-param 'max-polls' (known: " + String.join(", ", PlasmidServletOptions.initParamNames())
                + ")", unknown);
        assertEquals("max-depth must be 1-1000, got 2000", assertThrows(IllegalArgumentException.class,
                () -> b.initParam("max-depth", "2000")).getMessage());
        assertEquals("max-held-polls must be a whole number, got 'lots'", assertThrows(IllegalArgumentException.class,
                () -> b.initParam("max-held-polls", "lots")).getMessage());
        assertEquals("max-wait-seconds must be 1 second to 1 minute, got PT1M1S", assertThrows(
                IllegalArgumentException.class, () -> b.initParam("max-wait-seconds", "61")).getMessage());
        assertEquals("request-log must be true or false, got 'off'", assertThrows(IllegalArgumentException.class,
                () -> b.initParam("request-log", "off")).getMessage());
        assertEquals("max-depth needs a value (" + PlasmidServletOptions.MAX_DEPTH.doc() + ")",
                assertThrows(IllegalArgumentException.class, () -> b.initParam("max-depth", " ")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.initParam("cors-allowed-origins", "ftp://x"))
                .getMessage().startsWith("cors-allowed-origins: invalid CORS origin 'ftp://x'"));
        b.initParam("max-depth", "9");
        assertEquals("maxDepth was already set", assertThrows(IllegalStateException.class,
                () -> b.initParam("max-depth", "10")).getMessage());
        assertEquals(9, b.build().maxDepth(), "a refused value changes nothing");
    }

    @Test
    void everyDeclaredOption_isListedOnce_withItsOwnNameAndInitParam() throws Exception {
        List<Object> declared = new java.util.ArrayList<>();
        for (java.lang.reflect.Field f : PlasmidServletOptions.class.getDeclaredFields()) {
            if (f.getType() == Option.class) {
                declared.add(f.get(null));
            }
        }
        assertEquals(declared.size(), PlasmidServletOptions.ALL.size(), "ALL lists every declared option");
        assertTrue(PlasmidServletOptions.ALL.containsAll(declared), "ALL lists every declared option");
        assertEquals(declared.size(), PlasmidServletOptions.ALL.stream().map(Option::name).distinct().count());
        assertEquals(declared.size(), PlasmidServletOptions.ALL.stream().map(Option::param).distinct().count());
    }

    @Test
    void toString_listsEveryOptionByName() {
        String s = PlasmidServletOptions.builder().maxDepth(9).build().toString();
        assertTrue(s.startsWith("PlasmidServletOptions[maxBodyBytes=16777216, maxValueBytes=1048576, "), s);
        assertTrue(s.contains(", maxDepth=9, "), s);
        for (Option<?> option : PlasmidServletOptions.ALL) {
            assertTrue(s.contains(option.name() + "="), option + " in " + s);
        }
    }

    @Test
    void everyInitParam_isDocumentedInTheServletJavadoc_andInTheReadme() throws Exception {
        String javadoc = Files.readString(Path.of("src/main/java/org/plasmid/servlet/PlasmidServlet.java"));
        String readme = Files.readString(Path.of("../README.md"));
        for (Option<?> option : PlasmidServletOptions.ALL) {
            assertTrue(javadoc.contains("{@code " + option.param() + "}"), option + " in the PlasmidServlet javadoc");
            String row = readme.lines().filter(l -> l.startsWith("| `" + option.param() + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError(option + " has no row in README.md's table of init-params"));
            assertTrue(row.startsWith("| `" + option.param() + "` | `" + option.name() + "` | "
                    + initParamText(option.defaultValue())), "README.md's row of " + option + ": " + row);
        }
    }

    /** A value as an init-param would give it. */
    private static String initParamText(Object value) {
        if (value instanceof Duration d) {
            return Long.toString(d.toSeconds());
        }
        if (value instanceof List<?> l) {
            return l.isEmpty() ? "none" : String.join(", ", l.stream().map(Object::toString).toList());
        }
        return value.toString();
    }
}
