-- Clearance schema, SQLite dialect. Keep in step with
-- store/postgres/migrations/00001_init.sql: the queries in
-- store/internal/sqlstore are shared by both.

-- +goose Up

-- The audit trail (15 CFR Part 762). Rows are only ever inserted: the
-- triggers below refuse UPDATE and DELETE, and the hash chain (hash covers
-- prev_hash) makes any change made around them detectable by `audit verify`.
-- Times are TEXT in store.TimeFormat (fixed width UTC), so they sort and
-- compare as strings.
CREATE TABLE audit_records (
    seq          INTEGER PRIMARY KEY,
    recorded_at  TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    reference    TEXT    NOT NULL,
    parties      TEXT    NOT NULL, -- JSON array of names as given
    parties_fold TEXT    NOT NULL, -- lower-cased names, \x1f-separated, for search
    countries    TEXT    NOT NULL, -- ",CN,RU," for a substring filter
    snapshot     TEXT    NOT NULL,
    decision     TEXT    NOT NULL,
    origin       TEXT    NOT NULL,
    node         TEXT    NOT NULL,
    request      TEXT,
    result       TEXT,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL
);
CREATE INDEX audit_records_recorded_at ON audit_records (recorded_at);
CREATE INDEX audit_records_reference ON audit_records (reference);

-- The chain head: seq and hash of the newest record, moved in the same
-- transaction as every append. Appends lock it (SQLite: BEGIN IMMEDIATE);
-- verify compares it with the last record, which detects deleted tails.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- +goose StatementBegin
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only (15 CFR 762.5(b)(4))');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only (15 CFR 762.5(b)(4))');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'the audit chain head cannot be deleted');
END;
-- +goose StatementEnd

-- API keys: only the SHA-256 of the key is stored (see store.HashKey).
CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    key_hash   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT
);

-- Console users: bcrypt password hashes.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);

-- Console sessions: id is the SHA-256 of the cookie token.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Batch screening jobs and their per-row JSON results.
CREATE TABLE batches (
    id         TEXT    PRIMARY KEY,
    owner      TEXT    NOT NULL,
    filename   TEXT    NOT NULL,
    total      INTEGER NOT NULL,
    done       INTEGER NOT NULL,
    hits       INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    error      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX batches_owner_created ON batches (owner, created_at);
CREATE INDEX batches_created ON batches (created_at);

CREATE TABLE batch_results (
    batch_id TEXT    NOT NULL REFERENCES batches (id),
    row_num  INTEGER NOT NULL,
    data     TEXT    NOT NULL,
    PRIMARY KEY (batch_id, row_num)
);

-- +goose Down
DROP TABLE batch_results;
DROP TABLE batches;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE api_keys;
DROP TABLE audit_head;
DROP TABLE audit_records;
