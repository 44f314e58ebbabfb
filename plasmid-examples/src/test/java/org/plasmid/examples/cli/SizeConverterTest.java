package org.plasmid.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class SizeConverterTest {
    private final SizeConverter sizes = new SizeConverter();

    @Test
    void sizes_takeBinaryUnits_inAnyCase_bytesWhenNone() {
        assertEquals(65536L, sizes.convert("64KiB"));
        assertEquals(65536L, sizes.convert("64k"));
        assertEquals(16L << 20, sizes.convert("16MiB"));
        assertEquals(16L << 20, sizes.convert("16M"));
        assertEquals(16L << 20, sizes.convert("16mib"));
        assertEquals(1L << 30, sizes.convert("1GiB"));
        assertEquals(1L << 30, sizes.convert("1g"));
        assertEquals(1000L, sizes.convert("1000"));
        assertEquals(1000L, sizes.convert("1000B"));
        assertEquals(0L, sizes.convert("0"));
    }

    @Test
    void anythingElse_isRefused_sayingWhatASizeLooksLike() {
        for (String bad : new String[] {"", "16MB", "64 KiB", "-1", "1.5MiB", "lots", "1TiB", "KiB"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> sizes.convert(bad), bad);
            assertEquals("'" + bad + "' is not a size such as 65536, 64KiB, 16MiB or 1GiB", e.getMessage());
        }
    }

    @Test
    void aSizeBeyondALong_isRefused_notWrappedAround() {
        TypeConversionException e = assertThrows(TypeConversionException.class,
                () -> sizes.convert("999999999999999999GiB"));
        assertEquals("'999999999999999999GiB' is too large a size", e.getMessage());
    }

    @Test
    void format_writesASizeBackAsAUserWould() {
        assertEquals("64KiB", SizeConverter.format(65536));
        assertEquals("16MiB", SizeConverter.format(16L << 20));
        assertEquals("1536KiB", SizeConverter.format(1536L << 10));
        assertEquals("2GiB", SizeConverter.format(2L << 30));
        assertEquals("1000B", SizeConverter.format(1000));
        assertEquals("0B", SizeConverter.format(0));
        for (long n : new long[] {1, 4096, 65536, 3L << 20, 5L << 30, 123456789}) {
            assertEquals(n, new SizeConverter().convert(SizeConverter.format(n)), "round trip of " + n);
        }
    }
}
