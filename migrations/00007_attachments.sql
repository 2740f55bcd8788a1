-- Files attached to tasks (internal/attachments). An upload is presigned
-- first (uploads: the key the server chose, who may finalize it, the size
-- and type it was signed for), then finalized into an attachment once the
-- object is verified. A deleted task leaves its attachments with task_id
-- NULL until the clean-up job deletes their objects and rows.

-- +goose Up
CREATE TABLE uploads (
    key          text PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size > 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_created_idx ON uploads (created_at);

CREATE TABLE attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id      bigint REFERENCES tasks (id) ON DELETE SET NULL,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          text NOT NULL UNIQUE,
    filename     text NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size > 0),
    thumb_key    text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_task_idx ON attachments (task_id, id);
CREATE INDEX attachments_orphans_idx ON attachments (id) WHERE task_id IS NULL;

-- +goose Down
DROP TABLE attachments;
DROP TABLE uploads;
