package org.plasmid.core.mapdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.plasmid.core.spi.AppendResult;
import org.plasmid.core.spi.Storage;
import org.plasmid.core.spi.Write;

/**
 * A deterministic history of overwrites and deletions, as a sync server mostly sees: the push that makes
 * revision {@code r} puts 3 of {@value #KEYS} keys (values stamped with {@code r}) and deletes one. What
 * a database must hold at any head follows from the head alone, so a test (or a crash test's parent)
 * can check a database against its head: every acknowledged push present and whole, nothing resurrected.
 */
final class Overwrites {
    static final int KEYS = 40;
    private static final Pattern REV = Pattern.compile("\\{\"rev\": (\\d+),");

    private Overwrites() {
    }

    static String key(long i) {
        return "k" + (i % KEYS);
    }

    /** The writes of the push that makes revision {@code revision}. */
    static List<Write> push(long revision, int pad) {
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String value = "{\"rev\": " + revision + ", \"pad\": \"" + "p".repeat(pad) + "\"}";
            writes.add(new Write("s", key(revision * 7 + i), value.getBytes(StandardCharsets.UTF_8)));
        }
        writes.add(new Write("s", key(revision * 7 + 20), null));
        return writes;
    }

    /** Pushes the next revision (a single writer per database); returns the new head. */
    static long pushNext(Storage storage, String db, int pad) {
        long head = storage.revision(db).orElseThrow();
        AppendResult r = storage.append(db, head, push(head + 1, pad), "p" + (head + 1), -1);
        if (r.status() != AppendResult.Status.APPENDED || r.revision() != head + 1) {
            throw new IllegalStateException("single writer, yet " + r);
        }
        return r.revision();
    }

    /** Pushes {@code pushes} revisions in a row; returns the new head. */
    static long pushMany(Storage storage, String db, int pushes, int pad) {
        long head = storage.revision(db).orElseThrow();
        for (int i = 0; i < pushes; i++) {
            head = pushNext(storage, db, pad);
        }
        return head;
    }

    /** What a database at {@code head} holds: key to the revision of its live value. */
    static Map<String, Long> expected(long head) {
        Map<String, Long> state = new TreeMap<>();
        for (long r = 2; r <= head; r++) {
            for (Write w : push(r, 0)) {
                if (w.value() == null) {
                    state.remove(w.key());
                } else {
                    state.put(w.key(), r);
                }
            }
        }
        return state;
    }

    /** What a database holds (its clone), checking every value is stamped with its entry's revision. */
    static Map<String, Long> actual(Storage storage, String db) {
        Map<String, Long> state = new TreeMap<>();
        storage.readState(db, (store, key, revision, value) -> {
            Matcher m = REV.matcher(new String(value, StandardCharsets.UTF_8));
            if (!m.find() || Long.parseLong(m.group(1)) != revision) {
                throw new AssertionError(key + " at revision " + revision + " holds " + new String(value,
                        StandardCharsets.UTF_8));
            }
            if (state.put(key, revision) != null) {
                throw new AssertionError(key + " returned twice by a clone");
            }
            return true;
        });
        return state;
    }

    /** A pull from 0: every key once (a value or a tombstone) with its latest revision. */
    static Map<String, Long> pulled(Storage storage, String db) {
        Map<String, Long> seen = new TreeMap<>();
        storage.readChanges(db, 0, (store, key, revision, value) -> {
            if (seen.put(key, value == null ? -revision : revision) != null) {
                throw new AssertionError(key + " returned twice by one pull");
            }
            return true;
        });
        return seen;
    }
}
