package org.plasmid.core;

/**
 * The summary of a pull, returned after its changes were handed to the visitor.
 *
 * @param since the revision the pull started after
 * @param until the revision the client has now seen everything up to: the current revision, or, when
 *     {@code more} is set, the revision of the last change returned
 * @param more whether changes were held back by the limit; the client continues from {@code until}
 * @param count how many changes were returned
 */
public record PullResult(long since, long until, boolean more, long count) {
}
