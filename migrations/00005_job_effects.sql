-- The jobs whose effect (an email sent, a row written) has happened, so that
-- running a job again does nothing (internal/platform/jobs.Once). Rows older
-- than a week are purged by the periodic clean-up job.

-- +goose Up
CREATE TABLE job_effects (
    job_id  bigint PRIMARY KEY,
    done_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_effects_done_idx ON job_effects (done_at);

-- +goose Down
DROP TABLE job_effects;
