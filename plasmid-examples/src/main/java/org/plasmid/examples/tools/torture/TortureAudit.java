package org.plasmid.examples.tools.torture;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a database's whole change log (a pull from revision 1) against the pushes that were
 * acknowledged. Every push of the torture writes keys of its own, never overwritten, and each value
 * names its batch and the batch's size, so the log shows every push ever accepted. Then:
 * <ul>
 *   <li><b>lost</b>: an acknowledged batch that is missing, at another revision than acknowledged, or
 *       not whole;</li>
 *   <li><b>partial</b>: a batch present with fewer (or more) objects than it declares, or spread over
 *       several revisions, or a revision holding parts of several batches — whether it was
 *       acknowledged or not (a push whose answer was lost may be there or not, but only whole);</li>
 *   <li><b>gaps</b>: a revision from 2 to the head that holds nothing, or an entry outside that range.</li>
 * </ul>
 */
final class TortureAudit {
    /** How many problems are described in full; the counts cover all of them. */
    private static final int DESCRIBED = 10;

    private TortureAudit() {
    }

    /** A batch of edits: the device that made it and its number on that device. */
    record Batch(int device, int batch) {
        @Override
        public String toString() {
            return "device " + device + " batch " + batch;
        }
    }

    /** An acknowledged push: the revision the server answered and the number of objects it carried. */
    record Ack(long revision, int objects) {
    }

    /**
     * The outcome of one audit.
     *
     * @param entries entries in the log
     * @param head the database's revision
     * @param lost acknowledged batches not present whole at their revision
     * @param partial batches or revisions that are not whole
     * @param gaps revisions missing from 2..head, and entries outside it
     * @param problems the first few problems, described
     */
    record Result(long entries, long head, int lost, int partial, int gaps, List<String> problems) {
        /** @return whether nothing is wrong */
        boolean clean() {
            return lost == 0 && partial == 0 && gaps == 0;
        }
    }

    /**
     * @param updates the {@code updates} array of a pull from revision 1: {@code [store, revision, key, value]}
     * @param head the {@code until} of that pull (the database's revision)
     * @param acks every acknowledged batch
     * @return what is wrong, if anything
     */
    static Result audit(JsonNode updates, long head, Map<Batch, Ack> acks) {
        Map<Batch, Set<Long>> revisionsOf = new HashMap<>();
        Map<Batch, Integer> countOf = new HashMap<>();
        Map<Batch, Set<Integer>> declaredOf = new HashMap<>();
        Map<Long, Set<Batch>> batchesAt = new HashMap<>();
        List<String> problems = new ArrayList<>();
        int partial = 0;
        int gaps = 0;
        long entries = 0;
        for (JsonNode u : updates) {
            entries++;
            long revision = u.path(1).asLong(-1);
            JsonNode value = u.path(3);
            if (!value.path("device").isInt() || !value.path("batch").isInt() || !value.path("n").isInt()) {
                partial++;
                describe(problems, "an entry that no batch wrote: " + u);
                continue;
            }
            Batch b = new Batch(value.get("device").asInt(), value.get("batch").asInt());
            if (revision < 2 || revision > head) {
                gaps++;
                describe(problems, b + " has an entry at revision " + revision + ", outside 2.." + head);
            }
            revisionsOf.computeIfAbsent(b, k -> new TreeSet<>()).add(revision);
            countOf.merge(b, 1, Integer::sum);
            declaredOf.computeIfAbsent(b, k -> new TreeSet<>()).add(value.get("n").asInt());
            batchesAt.computeIfAbsent(revision, k -> new HashSet<>()).add(b);
        }
        for (Map.Entry<Batch, Set<Long>> e : revisionsOf.entrySet()) {
            Batch b = e.getKey();
            Set<Integer> declared = declaredOf.get(b);
            int count = countOf.get(b);
            if (e.getValue().size() != 1 || declared.size() != 1 || declared.iterator().next() != count) {
                partial++;
                describe(problems, b + " is not whole: " + count + " objects at revisions " + e.getValue()
                        + ", declaring " + declared);
            }
        }
        for (Map.Entry<Long, Set<Batch>> e : batchesAt.entrySet()) {
            if (e.getValue().size() > 1) {
                partial++;
                describe(problems, "revision " + e.getKey() + " holds parts of several batches: " + e.getValue());
            }
        }
        for (long r = 2; r <= head; r++) {
            if (!batchesAt.containsKey(r)) {
                gaps++;
                describe(problems, "revision " + r + " holds nothing (gap below head " + head + ")");
            }
        }
        int lost = 0;
        for (Map.Entry<Batch, Ack> e : acks.entrySet()) {
            Batch b = e.getKey();
            Ack ack = e.getValue();
            Set<Long> at = revisionsOf.get(b);
            if (at == null || !at.equals(Set.of(ack.revision())) || countOf.get(b) != ack.objects()) {
                lost++;
                describe(problems, "acknowledged " + b + " (" + ack.objects() + " objects at revision "
                        + ack.revision() + ") is " + (at == null ? "missing" : countOf.get(b) + " objects at " + at)
                        + " (head " + head + ")");
            }
        }
        return new Result(entries, head, lost, partial, gaps, List.copyOf(problems));
    }

    private static void describe(List<String> problems, String problem) {
        if (problems.size() < DESCRIBED) {
            problems.add(problem);
        }
    }
}
