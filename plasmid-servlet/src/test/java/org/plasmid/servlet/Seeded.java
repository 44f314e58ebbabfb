package org.plasmid.servlet;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * A small seeded property runner (in the manner of H2's randomized tests): each property draws its inputs
 * from one seed, prints the seed, and on failure names the seed, the try and the input, so that
 * {@code -Dplasmid.seed=<seed>} replays it exactly. Without that property every run draws a new seed, so
 * repeated CI runs keep exploring.
 */
final class Seeded {
    /** The system property that fixes the seed. */
    static final String SEED_PROPERTY = "plasmid.seed";

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
        String fixed = System.getProperty(SEED_PROPERTY);
        long seed = fixed != null ? Long.parseLong(fixed) : ThreadLocalRandom.current().nextLong();
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
