-- Clearance schema, PostgreSQL dialect. Keep in step with
-- store/sqlite/migrations/00001_init.sql: the queries in
-- store/internal/sqlstore are shared by both.

-- +goose Up

-- The audit trail (15 CFR Part 762). Rows are only ever inserted: the
-- triggers below refuse UPDATE, DELETE and TRUNCATE, and the hash chain
-- (hash covers prev_hash) makes any change made around them detectable by
-- `audit verify`. request/result are json (not jsonb): json keeps the text
-- byte for byte, which the hash covers; jsonb would reorder keys.
CREATE TABLE audit_records (
    seq          bigint      PRIMARY KEY,
    recorded_at  timestamptz NOT NULL,
    actor        text        NOT NULL,
    kind         text        NOT NULL,
    reference    text        NOT NULL,
    parties      text        NOT NULL, -- JSON array of names as given
    parties_fold text        NOT NULL, -- lower-cased names, \x1f-separated, for search
    countries    text        NOT NULL, -- ',CN,RU,' for a substring filter
    snapshot     text        NOT NULL,
    decision     text        NOT NULL,
    origin       text        NOT NULL,
    node         text        NOT NULL,
    request      json,
    result       json,
    prev_hash    text        NOT NULL,
    hash         text        NOT NULL
);
CREATE INDEX audit_records_recorded_at ON audit_records (recorded_at);
CREATE INDEX audit_records_reference ON audit_records (reference);

-- The chain head: seq and hash of the newest record, moved in the same
-- transaction as every append. Appends lock this row (SELECT ... FOR
-- UPDATE), which serialises the chain across every `serve` process sharing
-- the database; verify compares it with the last record.
CREATE TABLE audit_head (
    id   integer PRIMARY KEY CHECK (id = 1),
    seq  bigint  NOT NULL,
    hash text    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- +goose StatementBegin
CREATE FUNCTION clearance_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only (15 CFR 762.5(b)(4)): % refused on %', TG_OP, TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION clearance_audit_append_only();
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION clearance_audit_append_only();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION clearance_audit_append_only();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION clearance_audit_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION clearance_audit_append_only();

-- API keys: only the SHA-256 of the key is stored (see store.HashKey).
CREATE TABLE api_keys (
    id         text        PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    key_hash   text        NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL,
    revoked_at timestamptz
);

-- Console users: bcrypt password hashes.
CREATE TABLE users (
    id            text        PRIMARY KEY,
    name          text        NOT NULL UNIQUE,
    role          text        NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL,
    disabled_at   timestamptz
);

-- Console sessions: id is the SHA-256 of the cookie token.
CREATE TABLE sessions (
    id         text        PRIMARY KEY,
    user_id    text        NOT NULL REFERENCES users (id),
    csrf_token text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Batch screening jobs and their per-row JSON results.
CREATE TABLE batches (
    id         text        PRIMARY KEY,
    owner      text        NOT NULL,
    filename   text        NOT NULL,
    total      integer     NOT NULL,
    done       integer     NOT NULL,
    hits       integer     NOT NULL,
    status     text        NOT NULL,
    error      text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX batches_owner_created ON batches (owner, created_at);
CREATE INDEX batches_created ON batches (created_at);

CREATE TABLE batch_results (
    batch_id text    NOT NULL REFERENCES batches (id),
    row_num  integer NOT NULL,
    data     text    NOT NULL,
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
DROP FUNCTION clearance_audit_append_only();
