package org.plasmid.servlet;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * A small seeded property runner (in the manner of H2's randomized tests): each property draws its inputs
 * from seeds, and on failure names the seed, the try and the input, so that {@code -Dplasmid.seed=<seed>}
 * replays it exactly. By default every property runs the {@link #FIXED_SEEDS}, so every run of the build
 * gives the same verdict; {@code -Dplasmid.seed=random} explores with a new seed, printed.
 */
final class Seeded {
    /** The system property that chooses the seed: a number, or {@code random}. */
    static final String SEED_PROPERTY = "plasmid.seed";

    /**
     * The seeds every run tries. Add every seed that ever failed: 8695897373683366525 drew
     * {@code PATCH /app/sync/../xxxx…}, a path that normalizes outside the servlet's mapping (bare Jetty
     * answered 501, and the property blamed the servlet).
     */
    static final List<Long> FIXED_SEEDS = List.of(8695897373683366525L, 20261202L);

    /** On PostgreSQL a property draws this many times fewer inputs, from its first seed only. */
    private static final int POSTGRES_SHARE = 8;

    /**
     * @param count how many inputs of some kind a property expects among its tries of one seed
     * @return as many as it may expect in this run (fewer on PostgreSQL)
     */
    static int expected(int count) {
        return TestStorage.postgres() ? count / POSTGRES_SHARE : count;
    }

    /** @return the seeds to run: the one asked for, a new random one, or the fixed ones */
    static List<Long> seeds() {
        String asked = System.getProperty(SEED_PROPERTY);
        if (asked == null || asked.isBlank()) {
            return FIXED_SEEDS;
        }
        if (asked.trim().equals("random")) {
            return List.of(ThreadLocalRandom.current().nextLong());
        }
        return List.of(Long.parseLong(asked.trim()));
    }

    private Seeded() {
    }

    /** A property of one input. */
    @FunctionalInterface
    interface Property<T> {
        void check(T input) throws Exception;
    }

    /**
     * Checks {@code property} for {@code tries} inputs drawn by {@code generator}.
     *
     * @param name the property's name, for the report
     * @param tries how many inputs
     * @param generator draws an input from a random source
     * @param show describes an input for a failure report
     * @param property the property
     */
    static <T> void forAll(String name, int tries, Function<Random, T> generator, Function<T, String> show,
            Property<T> property) {
        List<Long> seeds = seeds();
        if (TestStorage.postgres()) {
            // the second run, on PostgreSQL, checks the same properties against the other backend: each
            // request's before/after snapshot of the hub costs many SQL queries, so fewer inputs
            seeds = seeds.subList(0, 1);
            tries = Math.max(20, tries / POSTGRES_SHARE);
        }
        for (long seed : seeds) {
            forSeed(name, seed, tries, generator, show, property);
        }
    }

    private static <T> void forSeed(String name, long seed, int tries, Function<Random, T> generator,
            Function<T, String> show, Property<T> property) {
        System.out.println("property " + name + ": " + tries + " tries, seed " + seed + " (replay with -D"
                + SEED_PROPERTY + "=" + seed + ")");
        Random random = new Random(seed);
        for (int i = 0; i < tries; i++) {
            T input = generator.apply(random);
            try {
                property.check(input);
            } catch (Exception | AssertionError e) {
                String shown = show.apply(input);
                throw new AssertionError("property " + name + " failed at try " + i + " of seed " + seed
                        + " (replay with -D" + SEED_PROPERTY + "=" + seed + ") for input:\n"
                        + (shown.length() > 2000 ? shown.substring(0, 2000) + "... (" + shown.length() + " chars)"
                                : shown) + "\n" + e, e);
            }
        }
    }
}
