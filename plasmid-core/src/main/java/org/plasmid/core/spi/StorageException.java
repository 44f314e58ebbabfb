package org.plasmid.core.spi;

import org.jspecify.annotations.Nullable;

/** A storage backend failed: an I/O error, corruption, or a backend that is closed or unusable. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    /**
     * @param message what failed
     * @param cause the underlying failure, or {@code null}
     */
    public StorageException(String message, @Nullable Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param message what failed
     * @param cause the underlying failure, or {@code null}
     * @param outcomeUnknown whether a write may have become durable despite the failure (it was written
     *     but its sync failed); a retry with the same push id resolves it
     */
    public StorageException(String message, @Nullable Throwable cause, boolean outcomeUnknown) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** @return whether a write may have taken effect despite this failure */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
