package org.plasmid.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * plasmid-examples by role: each package may use only the packages of Plasmid its role needs (the
 * client nothing, the server not the demo, ...), and no two classes of the repository share a name, even
 * in a different case. Read from the sources, so an import, a fully qualified name and a javadoc link all
 * count (a string literal does not).
 */
class PackageLayoutTest {
    private static final Path MAIN = Path.of("src", "main", "java", "org", "plasmid", "examples");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.plasmid\\.((?:[a-z]+\\.)*[a-z]+)\\.[A-Z]");
    /** A string literal names no dependency (a logger's name, say). */
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");

    /** Package (under org.plasmid.examples) → the packages (under org.plasmid) it may refer to, besides its own. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("cli", Set.of()),
            Map.entry("client", Set.of()),
            Map.entry("server", Set.of("core", "servlet")),
            Map.entry("demo", Set.of("core", "examples.server")),
            Map.entry("ctl", Set.of("core", "servlet", "examples.server", "examples.demo", "examples.cli")),
            Map.entry("tools", Set.of()),
            Map.entry("tools.torture", Set.of("examples.client", "examples.tools", "examples.cli")),
            Map.entry("tools.soak", Set.of("core", "servlet", "examples.server", "examples.client", "examples.tools",
                    "examples.cli")),
            Map.entry("tools.nodes", Set.of("examples.client", "examples.cli")),
            Map.entry("tools.hub", Set.of("examples.client", "examples.tools", "examples.cli")),
            Map.entry("bench", Set.of("core", "servlet", "examples.server", "examples.client", "examples.tools",
                    "examples.cli")));

    @Test
    void everyPackage_refersOnlyToThePackagesItsRoleAllows() throws IOException {
        Map<String, Set<String>> found = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                found.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(STRING.matcher(Files.readString(file)).replaceAll("\"\""));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals("examples." + pkg) && !allowed(pkg, used)) {
                        wrong.add(MAIN.relativize(file) + " refers to org.plasmid." + used);
                    }
                }
            }
        }
        assertEquals(ALLOWED.keySet(), found.keySet(), "every package of plasmid-examples has a rule here, and only those");
        assertEquals(List.of(), wrong);
    }

    private static boolean allowed(String pkg, String used) {
        return ALLOWED.getOrDefault(pkg, Set.of()).stream()
                .anyMatch(a -> used.equals(a) || used.startsWith(a + ".") && !a.startsWith("examples."));
    }

    @Test
    void noTwoClassesOfTheRepository_shareAName_evenInADifferentCase() throws IOException {
        Path repository = Path.of("..").toAbsolutePath().normalize();
        Map<String, List<Path>> byName = new TreeMap<>();
        try (Stream<Path> files = Files.walk(repository)) {
            files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"))
                    .filter(f -> f.toString().contains("/src/") && !f.toString().contains("/target/"))
                    .forEach(f -> byName.computeIfAbsent(f.getFileName().toString().toLowerCase(Locale.ROOT),
                            n -> new ArrayList<>()).add(repository.relativize(f)));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        assertTrue(byName.size() > 100, "the repository's sources were found: " + byName.size());
        byName.values().removeIf(paths -> paths.size() == 1);
        assertEquals(Map.of(), byName);
    }
}
