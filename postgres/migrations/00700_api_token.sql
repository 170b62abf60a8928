-- +goose Up
-- API tokens. Only the SHA-256 of a token is stored: a database leak does
-- not leak usable credentials, and the token is shown once, at creation.
-- The prefix (the first characters after "cvs_") lets a person recognise a
-- token in `tokens list` without the secret.
CREATE TABLE api_token (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    scope        text NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    prefix       text NOT NULL CHECK (prefix ~ '^[A-Za-z0-9_-]{8}$'),
    hash         bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CHECK (expires_at IS NULL OR expires_at > created_at)
);

-- +goose Down
DROP TABLE api_token;
