package org.plasmid.core.spi;

import java.io.Closeable;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.Grant;

/**
 * The one interface a storage backend implements. It stores databases (a change log per database with
 * a head revision, and the current state derived from it), credentials and grants. It holds no rules:
 * the engine decides what is allowed and calls {@link #append} with the head it checked against, and
 * the backend only refuses if that head has moved meanwhile.
 *
 * <h2>Threading</h2>
 * Every method may be called concurrently from many threads. Appends to one database are serialized
 * by the backend; appends to different databases may proceed in parallel. Reads never block appends
 * for longer than it takes to read one entry.
 *
 * <h2>Atomicity and durability</h2>
 * Every method that writes is atomic (all of it or nothing, also across a crash) and durable when it
 * returns normally (on disk, synced, for a persistent backend). A method that throws {@link
 * StorageException} had no visible effect, unless the exception says the outcome is unknown (see
 * {@link StorageException#outcomeUnknown()}).
 *
 * <h2>Reads</h2>
 * A read fixes a snapshot revision {@code H} (the head when it starts) and only returns entries with
 * revision at most {@code H}. Backends with multi-version snapshots (SQL) return exactly the state at
 * {@code H}. A backend may instead give this weaker, still safe guarantee: a (store, key) that is
 * rewritten by a push after {@code H} while the read runs may be left out, because it has a revision
 * greater than {@code H} and is therefore returned by the next pull after {@code H}. Every entry a read
 * does return is the latest at {@code H} of its (store, key).
 */
public interface Storage extends Closeable {

    /**
     * @param database a valid database name
     * @return the current (head) revision, or empty if the database does not exist
     * @throws StorageException on a storage failure
     */
    OptionalLong revision(String database);

    /**
     * @param database a valid database name
     * @return the bytes currently stored by the database ({@link Write#sizeOf}: for every live key, the
     *     UTF-8 bytes of its store name, key and value; deleted keys count nothing), or {@code -1} if it
     *     does not exist
     * @throws StorageException on a storage failure
     */
    long storedBytes(String database);

    /**
     * Creates a database at revision 1 without a quota of its own, if it does not exist. Atomic and
     * durable.
     *
     * @param database a valid database name
     * @return {@code true} if this call created it, {@code false} if it existed (then nothing changed)
     * @throws StorageException on a storage failure
     */
    default boolean createDatabase(String database) {
        return createDatabase(database, -1);
    }

    /**
     * Creates a database at revision 1 with a quota of its own (the most bytes it may store, whoever
     * pushes), if it does not exist. Atomic and durable: the database never exists without its quota.
     *
     * @param database a valid database name
     * @param quota the database's own quota in bytes, or {@code -1} for none
     * @return {@code true} if this call created it, {@code false} if it existed (then nothing changed,
     *     its quota neither)
     * @throws StorageException on a storage failure
     */
    boolean createDatabase(String database, long quota);

    /**
     * @param database a valid database name
     * @return the database's own quota in bytes, or {@code -1} if it has none or does not exist
     * @throws StorageException on a storage failure
     */
    long databaseQuota(String database);

    /**
     * Sets or removes a database's own quota. Atomic and durable; the data is not touched, even if it
     * is larger (later pushes that would grow it are refused).
     *
     * @param database a valid database name
     * @param quota the quota in bytes, or {@code -1} to remove it
     * @return {@code false} (and nothing written) if the database does not exist
     * @throws StorageException on a storage failure
     */
    boolean setDatabaseQuota(String database, long quota);

    /**
     * The atomic primitive of the conflict-reject rule: writes {@code writes} as revision
     * {@code expectedHead + 1} only if the database's head is still {@code expectedHead}. Checked in this
     * order, all atomically with the write: an already-seen {@code pushId} answers
     * {@link AppendResult.Status#DUPLICATE} with the original revision and count; a moved head answers
     * {@link AppendResult.Status#HEAD_MOVED}; a quota that the stored size after the write would exceed
     * (and that the write would grow) answers {@link AppendResult.Status#QUOTA_EXCEEDED}. Nothing is
     * written in those cases.
     *
     * <p>A deletion of a (store, key) that has no live value writes nothing for it (no tombstone). When
     * nothing at all is left to write, no revision is created and the answer is
     * {@link AppendResult.Status#UNCHANGED} with the current head; the push id is not remembered. Every
     * object counts in {@link AppendResult#saved()}, written or not.
     *
     * @param database an existing database
     * @param expectedHead the head the caller checked the rule against
     * @param writes the objects, with distinct (store, key); not empty
     * @param pushId the client's idempotency token, or {@code null}
     * @param maxStoredBytes the quota, or {@code -1} for none
     * @return the outcome
     * @throws StorageException on a storage failure
     */
    AppendResult append(String database, long expectedHead, List<Write> writes, @Nullable String pushId,
            long maxStoredBytes);

    /**
     * The answer remembered for a push id (at least the last 1,000 per database are remembered).
     *
     * @param database the database
     * @param pushId the push id
     * @return the original outcome ({@link AppendResult.Status#DUPLICATE}), or empty if not remembered
     * @throws StorageException on a storage failure
     */
    Optional<AppendResult> findPush(String database, String pushId);

    /**
     * Visits the latest entry of every (store, key) whose revision is greater than {@code since}, in
     * ascending revision order (entries of one revision in any order), up to the snapshot revision.
     * Cost is proportional to the entries visited, not to the database's history.
     *
     * @param database an existing database
     * @param since visit entries with a revision greater than this
     * @param visitor receives entries; a value of {@code null} is a deletion; returning {@code false}
     *     stops the read
     * @return the snapshot revision {@code H}
     * @throws StorageException on a storage failure
     */
    long readChanges(String database, long since, EntryReader visitor);

    /**
     * Visits the current state: every live (store, key) with its value and revision, grouped by store
     * (all keys of one store consecutively), deletions left out.
     *
     * @param database an existing database
     * @param visitor receives entries; returning {@code false} stops the read
     * @return the snapshot revision {@code H}
     * @throws StorageException on a storage failure
     */
    long readState(String database, EntryReader visitor);

    /**
     * @param visitor receives every database name, in no particular order
     * @throws StorageException on a storage failure
     */
    void listDatabases(Consumer<String> visitor);

    /**
     * @param access an access token
     * @return its stored credential, or empty
     * @throws StorageException on a storage failure
     */
    Optional<Credential> credential(String access);

    /**
     * Creates an account: its credential and its initial grants, atomically.
     *
     * @param credential the new credential
     * @param grants grants to store with it (for the new token or others, e.g. the creator's SetSecret)
     * @return {@code false} (and nothing written) if the access token already exists
     * @throws StorageException on a storage failure
     */
    default boolean createAccount(Credential credential, List<Grant> grants) {
        return createAccount(credential, grants, null, -1);
    }

    /**
     * Creates an account with a database of its own (a guest's), atomically: the credential, its initial
     * grants, and the new database at revision 1 with its own quota — all of them or nothing, also across
     * a crash. An existing database is never adopted.
     *
     * @param credential the new credential
     * @param grants grants to store with it
     * @param database a valid database name to create with the account, or {@code null} for none
     * @param databaseQuota the new database's own quota in bytes, or {@code -1} for none
     * @return {@code false} (and nothing written) if the access token or the database already exists
     * @throws StorageException on a storage failure
     */
    boolean createAccount(Credential credential, List<Grant> grants, @Nullable String database, long databaseQuota);

    /**
     * Replaces the secret of an existing account.
     *
     * @param credential the new credential
     * @return {@code false} (and nothing written) if the access token does not exist
     * @throws StorageException on a storage failure
     */
    boolean updateCredential(Credential credential);

    /**
     * @param visitor receives every access token, in no particular order
     * @throws StorageException on a storage failure
     */
    void listAccounts(Consumer<String> visitor);

    /**
     * @param access an access token
     * @return all its grants (allowing and denying, with their delegators), in no particular order
     * @throws StorageException on a storage failure
     */
    List<Grant> grants(String access);

    /**
     * @param delegator an access token
     * @return the grants, held by any token, whose {@link Grant#delegator()} is {@code delegator}, in no
     *     particular order
     * @throws StorageException on a storage failure
     */
    List<Grant> delegatedBy(String delegator);

    /**
     * Stores a grant with its value and delegator, replacing one with the same (access, permission,
     * resource).
     *
     * @param grant the grant
     * @throws StorageException on a storage failure
     */
    void putGrant(Grant grant);

    /**
     * @param access the token
     * @param permission the permission
     * @param resource the resource
     * @return whether a grant was removed
     * @throws StorageException on a storage failure
     */
    boolean removeGrant(String access, String permission, String resource);

    /**
     * Starts telling the engine what other writers change: a storage shared by several processes (a SQL
     * database behind many nodes) delivers {@link StorageEvents#databaseChanged} for pushes and
     * {@link StorageEvents#accountsChanged} for credential and grant changes made elsewhere, within a
     * bounded delay even when a notification is lost. The engine calls it once, when it starts using the
     * storage. A storage that only its own process changes (the default) has nothing to tell.
     *
     * @param events where to send the events
     * @return the subscription; closing it stops the events (the storage's {@link #close} does too)
     * @throws StorageException if watching cannot start
     */
    default Subscription watch(StorageEvents events) {
        return Subscription.NONE;
    }

    /**
     * Releases the backend. Idempotent. A persistent backend leaves its files in a state that reopens
     * without recovery work.
     */
    @Override
    void close();
}
