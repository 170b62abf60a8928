-- +goose Up
-- A published edition's protected results, computed once (at publication,
-- or by the first reader) and kept for every process that serves them:
-- protecting 30,000 responses takes seconds, a results page must not
-- (issue 16). The row is only a copy: the triggers below delete it
-- whenever anything it was computed from changes (the edition, its
-- responses, its form, the register's kinds, populations, régions and
-- names), and reports/barometer computes it again.
--
-- claim: a computation first claims the row (results NULL), then stores
-- its results only if its claim is still there; an invalidation in
-- between deletes the claim, so stale results are never stored.
-- scheme: the protection and results format that wrote them; another
-- scheme is ignored and recomputed.
CREATE TABLE barometer_results (
    edition_id  bigint PRIMARY KEY REFERENCES survey_edition (id) ON DELETE CASCADE,
    claim       bigint NOT NULL,
    scheme      text NOT NULL CHECK (length(scheme) BETWEEN 1 AND 200),
    results_fr  json,
    results_en  json,
    claimed_at  timestamptz NOT NULL DEFAULT now(),
    computed_at timestamptz,
    CHECK ((results_fr IS NULL) = (results_en IS NULL)),
    CHECK ((results_fr IS NULL) = (computed_at IS NULL))
);

-- +goose StatementBegin
CREATE FUNCTION barometer_results_forget_responses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM barometer_results WHERE edition_id IN (SELECT DISTINCT edition_id FROM changed);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER barometer_results_response_insert AFTER INSERT ON survey_response
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION barometer_results_forget_responses();
CREATE TRIGGER barometer_results_response_update_old AFTER UPDATE ON survey_response
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION barometer_results_forget_responses();
CREATE TRIGGER barometer_results_response_update_new AFTER UPDATE ON survey_response
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION barometer_results_forget_responses();
CREATE TRIGGER barometer_results_response_delete AFTER DELETE ON survey_response
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION barometer_results_forget_responses();

-- +goose StatementBegin
CREATE FUNCTION barometer_results_forget_edition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM barometer_results WHERE edition_id = OLD.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER barometer_results_edition AFTER UPDATE OF year, title, form_id, status, disclosure_k, disclosure_min_units, disclosure_dominance
    ON survey_edition FOR EACH ROW EXECUTE FUNCTION barometer_results_forget_edition();

-- +goose StatementBegin
CREATE FUNCTION barometer_results_forget_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM barometer_results;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
-- Groups and their labels come from the register: a kind, a population,
-- a région or a name that changes can move a respondent or a label.
CREATE TRIGGER barometer_results_territory AFTER INSERT OR DELETE OR UPDATE OF kind, name, population, region_code
    ON territory FOR EACH STATEMENT EXECUTE FUNCTION barometer_results_forget_all();
CREATE TRIGGER barometer_results_form AFTER UPDATE OR DELETE ON survey_form
    FOR EACH STATEMENT EXECUTE FUNCTION barometer_results_forget_all();

-- +goose Down
DROP TRIGGER barometer_results_form ON survey_form;
DROP TRIGGER barometer_results_territory ON territory;
DROP FUNCTION barometer_results_forget_all();
DROP TRIGGER barometer_results_edition ON survey_edition;
DROP FUNCTION barometer_results_forget_edition();
DROP TRIGGER barometer_results_response_delete ON survey_response;
DROP TRIGGER barometer_results_response_update_new ON survey_response;
DROP TRIGGER barometer_results_response_update_old ON survey_response;
DROP TRIGGER barometer_results_response_insert ON survey_response;
DROP FUNCTION barometer_results_forget_responses();
DROP TABLE barometer_results;
