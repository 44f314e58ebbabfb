package org.plasmid.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter durations = new DurationConverter();

    @Test
    void durations_takeTheUnitsUsersWrite_secondsWhenNone() {
        assertEquals(Duration.ofMillis(1500), durations.convert("1500ms"));
        assertEquals(Duration.ofSeconds(30), durations.convert("30s"));
        assertEquals(Duration.ofSeconds(30), durations.convert("30"));
        assertEquals(Duration.ofMinutes(5), durations.convert("5m"));
        assertEquals(Duration.ofHours(1), durations.convert("1h"));
        assertEquals(Duration.ZERO, durations.convert("0"));
    }

    @Test
    void anythingElse_isRefused_sayingWhatADurationLooksLike() {
        for (String bad : new String[] {"", "5x", "-1s", "1.5s", "1234567890s", "5 m"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> durations.convert(bad), bad);
            assertEquals("'" + bad + "' is not a duration such as 30s, 5m or 500ms", e.getMessage());
        }
    }

    @Test
    void format_writesADurationBackAsAUserWould() {
        assertEquals("1500ms", DurationConverter.format(Duration.ofMillis(1500)));
        assertEquals("30s", DurationConverter.format(Duration.ofSeconds(30)));
        assertEquals("90s", DurationConverter.format(Duration.ofSeconds(90)));
        assertEquals("5m", DurationConverter.format(Duration.ofMinutes(5)));
        assertEquals("168h", DurationConverter.format(Duration.ofDays(7)));
        assertEquals("0s", DurationConverter.format(Duration.ZERO));
    }
}
