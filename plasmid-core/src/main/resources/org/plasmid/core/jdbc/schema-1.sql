-- Plasmid Sync on PostgreSQL, schema version 1.
-- Every table of a database's data is keyed by the database's name first and no hot-path query spans
-- databases, so the tables can be distributed by database (Citus: distribution column db / name).
-- Store names, keys, values and push ids are bytea (UTF-8): text cannot hold NUL, and bytes compare
-- the same everywhere.

CREATE TABLE plasmid_databases (
    name          text COLLATE "C" PRIMARY KEY,
    head          bigint NOT NULL,
    stored_bytes  bigint NOT NULL,
    quota         bigint NOT NULL DEFAULT -1
);

-- The latest entry of every (store, key): a pull reads by revision, a clone in (store, key) order.
CREATE TABLE plasmid_entries (
    db        text COLLATE "C" NOT NULL,
    store     bytea NOT NULL,
    key       bytea NOT NULL,
    revision  bigint NOT NULL,
    value     bytea,
    PRIMARY KEY (db, store, key)
);
CREATE INDEX plasmid_entries_by_revision ON plasmid_entries (db, revision);

CREATE TABLE plasmid_push_ids (
    db        text COLLATE "C" NOT NULL,
    push_id   bytea NOT NULL,
    revision  bigint NOT NULL,
    saved     integer NOT NULL,
    PRIMARY KEY (db, push_id)
);
CREATE INDEX plasmid_push_ids_by_revision ON plasmid_push_ids (db, revision);

CREATE TABLE plasmid_credentials (
    access      text COLLATE "C" PRIMARY KEY,
    salt        bytea NOT NULL,
    hash        bytea NOT NULL,
    iterations  integer NOT NULL,
    guest       boolean NOT NULL
);

CREATE TABLE plasmid_grants (
    access      text COLLATE "C" NOT NULL,
    permission  text COLLATE "C" NOT NULL,
    resource    text COLLATE "C" NOT NULL,
    value       text NOT NULL,
    delegator   text COLLATE "C",
    PRIMARY KEY (access, permission, resource)
);
CREATE INDEX plasmid_grants_by_delegator ON plasmid_grants (delegator) WHERE delegator IS NOT NULL;

-- accounts_version rises with every change to credentials or grants: nodes poll it to drop caches.
CREATE TABLE plasmid_meta (
    key    text COLLATE "C" PRIMARY KEY,
    value  bigint NOT NULL
);
INSERT INTO plasmid_meta (key, value) VALUES ('accounts_version', 0);
