package org.plasmid.core.spi;

import org.jspecify.annotations.Nullable;

/** Receives stored entries from a read of a {@link Storage}. */
@FunctionalInterface
public interface EntryReader {
    /**
     * @param store the store
     * @param key the key
     * @param revision the revision that wrote the entry
     * @param value the value's UTF-8 JSON bytes, or {@code null} for a deletion; owned by the reader
     * @return {@code true} to go on, {@code false} to stop
     */
    boolean entry(String store, String key, long revision, byte @Nullable [] value);
}
