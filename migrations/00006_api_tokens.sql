-- Personal access tokens for the JSON API (issue 17). Only the SHA-256 of
-- a token is stored; the token itself is shown once, when it is created.
-- A revoked token stays (revoked_at set) so that its use can be logged as
-- "revoked" rather than "unknown"; the purge job deletes tokens a month
-- after they expired or were revoked.

-- +goose Up
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash         bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope        text NOT NULL CHECK (scope IN ('read', 'read-write')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id, created_at);

-- +goose Down
DROP TABLE api_tokens;
