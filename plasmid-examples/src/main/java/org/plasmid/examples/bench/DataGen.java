package org.plasmid.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The benchmark's seeded objects: {@code {"title": <40 random chars>, "done": <bool>, "n": <int>,
 * "tags": [3 short words]}} keyed {@code k<i>} in store {@code things}.
 */
final class DataGen {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
    private static final String[] WORDS = {"home", "work", "urgent", "later", "shop", "call", "read", "fix", "idea"};

    private final Random random;

    DataGen(long seed) {
        this.random = new Random(seed);
    }

    String object() {
        StringBuilder b = new StringBuilder(110).append("{\"title\": \"");
        for (int i = 0; i < 40; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        b.append("\", \"done\": ").append(random.nextBoolean()).append(", \"n\": ").append(random.nextInt(1_000_000))
                .append(", \"tags\": [\"").append(WORDS[random.nextInt(WORDS.length)]).append("\", \"")
                .append(WORDS[random.nextInt(WORDS.length)]).append("\", \"").append(WORDS[random.nextInt(WORDS.length)])
                .append("\"]}");
        return b.toString();
    }

    /** A batch: keys {@code k<first>..} and fresh objects. */
    Batch batch(long first, int count) {
        List<String> keys = new ArrayList<>(count);
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add("k" + (first + i));
            values.add(object());
        }
        return new Batch(keys, values);
    }

    record Batch(List<String> keys, List<String> values) {
    }
}
