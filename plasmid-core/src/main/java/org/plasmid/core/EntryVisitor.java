package org.plasmid.core;

/**
 * Receives changes one at a time as a pull or clone streams them, so that no result is ever held in
 * memory whole. Called on the thread that called pull or clone.
 */
@FunctionalInterface
public interface EntryVisitor {
    /**
     * @param change the change; its value is {@code null} for a deletion (pulls only: clones never
     *     return deletions)
     * @return {@code true} to go on; {@code false} to stop (this change counts as not taken)
     * @throws java.io.UncheckedIOException if the visitor fails to write the change; the read stops
     */
    boolean visit(Change change);
}
