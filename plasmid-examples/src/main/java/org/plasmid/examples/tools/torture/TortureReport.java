package org.plasmid.examples.tools.torture;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What a crash torture found: one row per trial, and the errors that are not counted in a column.
 *
 * @param seed the schedule's seed
 * @param trials the trials run
 * @param errors problems found, described (the first few of each audit, and every other failure)
 */
record TortureReport(long seed, List<Trial> trials, List<String> errors) {
    static final String HEADER = String.format("%5s %7s %6s %8s %6s %5s %7s %5s %8s %10s %8s %6s",
            "trial", "run ms", "acked", "in doubt", "landed", "lost", "partial", "gaps", "diverged", "restart ms",
            "revision", "errors");

    /**
     * One kill and restart.
     *
     * @param number the trial's number, from 1
     * @param runMillis how long the devices worked before the kill
     * @param acked pushes acknowledged in this trial (while working, and on syncing after the restart)
     * @param inDoubt devices holding a batch without an acknowledgement at the kill (its answer was lost,
     *     or it was not sent yet)
     * @param landed of those, the batches that had landed (the retry was answered as a duplicate)
     * @param audit the check of the whole log after the restart
     * @param diverged devices whose data, once synced, differed from the server's clone
     * @param restartMillis from launching the server JVM again until it served (includes recovery)
     * @param errors other failures in this trial (error answers, no answer before the kill, ...)
     */
    record Trial(int number, long runMillis, long acked, int inDoubt, long landed, TortureAudit.Result audit,
            int diverged, long restartMillis, int errors) {
        String row() {
            return String.format("%5d %7d %6d %8d %6d %5d %7d %5d %8d %10d %8d %6d", number, runMillis, acked, inDoubt,
                    landed, audit.lost(), audit.partial(), audit.gaps(), diverged, restartMillis, audit.head(), errors);
        }
    }

    /** @return acknowledged pushes in all */
    long acked() {
        return sum(Trial::acked);
    }

    /** @return acknowledged pushes found missing or not whole, in all trials */
    long lost() {
        return sum(t -> t.audit().lost());
    }

    /** @return partial pushes found, in all trials */
    long partial() {
        return sum(t -> t.audit().partial());
    }

    /** @return revision gaps found, in all trials */
    long gaps() {
        return sum(t -> t.audit().gaps());
    }

    /** @return devices that did not converge, summed over trials */
    long diverged() {
        return sum(Trial::diverged);
    }

    /** @return pushes whose answer was lost and which had landed */
    long landed() {
        return sum(Trial::landed);
    }

    /** @return whether every trial ran and every check passed */
    boolean passed() {
        return errors.isEmpty() && lost() == 0 && partial() == 0 && gaps() == 0 && diverged() == 0;
    }

    private long sum(ToLongFunction<Trial> f) {
        return trials.stream().mapToLong(f).sum();
    }

    /** Prints the summary (the rows were printed as the trials ran). */
    void print(PrintStream out, Path work) {
        long[] restarts = trials.stream().mapToLong(Trial::restartMillis).sorted().toArray();
        out.printf("total: %d trials, %d pushes acknowledged, %d lost, %d partial, %d gaps, %d diverged;"
                + " %d answers lost on pushes that had landed%n", trials.size(), acked(), lost(), partial(), gaps(),
                diverged(), landed());
        if (restarts.length > 0) {
            out.printf("time to restart (ms): min %d, median %d, max %d%n", restarts[0], restarts[restarts.length / 2],
                    restarts[restarts.length - 1]);
        }
        for (String e : errors) {
            out.println("ERROR " + e);
        }
        if (passed()) {
            out.println("PASS (seed " + seed + ")");
        } else {
            out.println("FAIL (seed " + seed + ")" + (work == null ? "" : "; the hub is kept in " + work.resolve("hub")));
        }
        out.flush();
    }
}
