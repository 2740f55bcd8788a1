-- Tasks, the reference feature, and their event log (created, updated,
-- status changed, deleted), written in the same transaction as each change.

-- +goose Up
CREATE TABLE tasks (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    notes      text NOT NULL DEFAULT '' CHECK (char_length(notes) <= 10000),
    status     text NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'doing', 'done')),
    due_date   date,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search     tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || notes)) STORED
);
-- The list order (newest first, id as tie-breaker) for keyset pagination,
-- with and without the status filter; the text search.
CREATE INDEX tasks_user_created_idx ON tasks (user_id, created_at DESC, id DESC);
CREATE INDEX tasks_user_status_created_idx ON tasks (user_id, status, created_at DESC, id DESC);
CREATE INDEX tasks_search_idx ON tasks USING gin (search);
CREATE TRIGGER tasks_set_updated_at BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- No foreign key to tasks: a deleted task keeps its history.
CREATE TABLE task_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id    bigint NOT NULL,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('created', 'updated', 'status_changed', 'deleted')),
    data       jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_events_task_idx ON task_events (task_id, id DESC);
CREATE INDEX task_events_user_idx ON task_events (user_id, id);

-- +goose Down
DROP TABLE task_events;
DROP TABLE tasks;
