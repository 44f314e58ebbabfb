package org.plasmid.servlet;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.Change;
import org.plasmid.core.ClientSession;
import org.plasmid.core.EntryVisitor;
import org.plasmid.core.Permissions;
import org.plasmid.core.PullResult;

/**
 * (ext) The changes a refused ({@code outofdate}) push missed, sent with the refusal so that the client
 * resolves its conflicts and retries without a pull (PROTOCOL.md §4): only to a pusher that may read the
 * database (a write-only token learns nothing it may not pull), and only when they fit the byte budget
 * — otherwise the client pulls as before.
 *
 * @param changes the missed changes, in revision order, as a pull from the client's revision returns them
 * @param until the revision they bring the client to
 * @param bytes about how many bytes they take in an answer, with room for its other fields (the size its
 *     buffer starts with)
 */
record MissedChanges(List<Change> changes, long until, int bytes) {

    /**
     * @param session the pusher
     * @param database the database
     * @param since the {@code last_revision} the push was sent from
     * @param budget the most bytes of store names, keys and values to send (0: never)
     * @return the missed changes, or null when they are not to be sent
     */
    static @Nullable MissedChanges collect(ClientSession session, String database, long since, long budget) {
        if (budget <= 0 || !session.check(Permissions.READ_DATABASE, database).allowed()) {
            return null;
        }
        Collector collector = new Collector(budget);
        PullResult result = session.pull(database, since, 0, collector);
        if (collector.over || result.more()) {
            return null;
        }
        // what the budget counted, and the quotes, brackets and revision of each change; within the budget
        long bytes = 256 + collector.used + 16L * collector.changes.size();
        return new MissedChanges(collector.changes, result.until(), (int) Math.min(bytes, 1 << 30));
    }

    private static final class Collector implements EntryVisitor {
        private final long budget;
        private final List<Change> changes = new ArrayList<>();
        private long used;
        private boolean over;

        Collector(long budget) {
            this.budget = budget;
        }

        @Override
        public boolean visit(Change change) {
            used += change.store().length() + change.key().length() + 16L
                    + (change.value() == null ? 4 : change.value().size());
            if (used > budget) {
                over = true;
                return false;
            }
            changes.add(change);
            return true;
        }
    }
}
