-- +goose Up
-- The per-account caps on contributions (moderation.MaxPerHour and
-- MaxPerDay), enforced where concurrent submissions meet: each insert locks
-- its submitter's account row, then counts what is committed, so thirty
-- proposals sent at once cannot all read "under the cap". The Go check
-- before it gives the friendly message; this one makes it true. SQLSTATE
-- CV429 carries the seconds to wait in its detail.
-- +goose StatementBegin
CREATE FUNCTION proposal_within_caps() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    per_hour int := TG_ARGV[0]::int;
    per_day  int := TG_ARGV[1]::int;
    hour_n   int;
    day_n    int;
    oldest   timestamptz;
BEGIN
    IF NEW.submitter_id IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM app_user WHERE id = NEW.submitter_id FOR NO KEY UPDATE;
    SELECT count(*) FILTER (WHERE created_at > now() - interval '1 hour'), count(*)
      INTO hour_n, day_n
      FROM proposal WHERE submitter_id = NEW.submitter_id AND created_at > now() - interval '1 day';
    IF day_n >= per_day THEN
        SELECT created_at INTO oldest FROM proposal WHERE submitter_id = NEW.submitter_id
            AND created_at > now() - interval '1 day' ORDER BY created_at DESC OFFSET per_day - 1 LIMIT 1;
        RAISE EXCEPTION 'daily contribution cap reached' USING ERRCODE = 'CV429',
            DETAIL = ceil(extract(epoch FROM oldest + interval '1 day' - now()))::text;
    END IF;
    IF hour_n >= per_hour THEN
        SELECT created_at INTO oldest FROM proposal WHERE submitter_id = NEW.submitter_id
            AND created_at > now() - interval '1 hour' ORDER BY created_at DESC OFFSET per_hour - 1 LIMIT 1;
        RAISE EXCEPTION 'hourly contribution cap reached' USING ERRCODE = 'CV429',
            DETAIL = ceil(extract(epoch FROM oldest + interval '1 hour' - now()))::text;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER proposal_within_caps BEFORE INSERT ON proposal
    FOR EACH ROW EXECUTE FUNCTION proposal_within_caps('10', '40');

-- +goose Down
DROP TRIGGER proposal_within_caps ON proposal;
DROP FUNCTION proposal_within_caps;
