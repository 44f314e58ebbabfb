package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The names the engine accepts are exactly those of PROTOCOL.md's grammars, written here as the regular
 * expressions they are (the checks themselves are hand-written: every request makes two of them).
 */
class NamesTest {
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");
    private static final Pattern ACCESS = Pattern.compile("[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]{0,127}");
    private static final Pattern PERMISSION = Pattern.compile("\\*|[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Pattern RESOURCE = Pattern.compile("\\*|[A-Za-z0-9_.@+-]{1,128}\\*?");
    /** Every kind of character the grammars tell apart, and some they all refuse. */
    private static final String ALPHABET = "aZ09_-.@+*/ \u0000\u00e9\u212a\n:";
    private static final int[] LENGTHS = {0, 1, 2, 3, 5, 63, 64, 65, 127, 128, 129, 130};

    /** Fixed seed: the same strings every run. */
    private static List<String> candidates() {
        Random random = new Random(20261203L);
        List<String> result = new ArrayList<>(List.of("*", "**", "a*", "*a", ".", ".a", "a.", "a*b", "ReadDatabase",
                "_", "-", "@", "+", "a".repeat(128) + "*", "a".repeat(129) + "*", "A".repeat(64), "a" + "b".repeat(64)));
        for (int i = 0; i < 40_000; i++) {
            int length = LENGTHS[random.nextInt(LENGTHS.length)];
            StringBuilder b = new StringBuilder();
            for (int j = 0; j < length; j++) {
                // mostly letters, so that long valid names come up too
                b.append(random.nextInt(4) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length())) : 'x');
            }
            result.add(b.toString());
        }
        return result;
    }

    private static void assertSameVerdict(Pattern grammar, Consumer<String> check, String name) {
        boolean expected = grammar.matcher(name).matches();
        boolean accepted;
        try {
            check.accept(name);
            accepted = true;
        } catch (PlasmidException e) {
            assertEquals(PlasmidException.Reason.INVALID, e.reason());
            accepted = false;
        }
        assertEquals(expected, accepted, () -> "verdict on '" + name + "' (" + name.length() + " characters)");
    }

    @Test
    void databaseNames_tokensPermissionsAndResources_areAcceptedExactlyWhenTheirGrammarMatches() {
        for (String name : candidates()) {
            assertSameVerdict(DATABASE, Names::database, name);
            assertEquals(DATABASE.matcher(name).matches(), Names.isDatabase(name), name);
            assertSameVerdict(ACCESS, Names::access, name);
            assertSameVerdict(PERMISSION, Names::permission, name);
            assertSameVerdict(RESOURCE, Names::resource, name);
        }
    }

    @Test
    void absentNames_areRefusedAsInvalid() {
        assertThrows(PlasmidException.class, () -> Names.database(null));
        assertEquals(false, Names.isDatabase(null));
        assertThrows(PlasmidException.class, () -> Names.access(null));
        assertThrows(PlasmidException.class, () -> Names.permission(null));
        assertThrows(PlasmidException.class, () -> Names.resource(null));
    }
}
