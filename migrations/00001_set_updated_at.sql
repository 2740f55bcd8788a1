-- The trigger function every table with an updated_at column uses:
--   CREATE TRIGGER tasks_set_updated_at BEFORE UPDATE ON tasks
--     FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION set_updated_at();
