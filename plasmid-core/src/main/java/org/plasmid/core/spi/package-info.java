/**
 * The storage SPI: {@link org.plasmid.core.spi.Storage}, the one interface a backend implements, and the
 * values it takes and returns. It holds no rules (the engine decides; a backend only stores atomically and
 * durably); its javadoc states what is atomic, what may run concurrently and what a crash may leave.
 * A new method is added with its contract and a case in the contract test suite
 * ({@code StorageContractTest} in the test-jar) that every backend passes.
 *
 * <p>May depend on: {@link org.plasmid.core} value types only ({@code Grant}). Backends depend on this
 * package; this package depends on no backend. Null-marked: null only where {@code @Nullable} says.
 */
@NullMarked
package org.plasmid.core.spi;

import org.jspecify.annotations.NullMarked;
