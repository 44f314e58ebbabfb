package org.plasmid.core.spi;

/** A watch on a storage ({@link Storage#watch}); closing it stops the events. Idempotent. */
public interface Subscription extends AutoCloseable {
    /** A storage that only this process changes has nothing to watch. */
    Subscription NONE = () -> { };

    @Override
    void close();
}
