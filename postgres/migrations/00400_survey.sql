-- +goose Up
-- The barometer survey: questionnaires (checked XLSForm, stored as JSON),
-- yearly editions, their sampling frame drawn from the territory register,
-- invitations by hashed token, and one response per collectivité.

CREATE TABLE survey_form (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form_id     text NOT NULL CHECK (length(form_id) BETWEEN 1 AND 64),
    version     text NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
    title       text NOT NULL DEFAULT '',
    -- The checked form model (survey/xlsform.Form as JSON); never edited in
    -- place: a new version is a new row.
    definition  jsonb NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (form_id, version)
);

CREATE TABLE survey_edition (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year       integer NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    opens_on   date NOT NULL,
    closes_on  date NOT NULL,
    form_id    bigint NOT NULL REFERENCES survey_form (id),
    status     text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed', 'published')),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (closes_on >= opens_on)
);

-- The sampling frame: who is asked, with the contact the invitation goes to.
CREATE TABLE survey_frame (
    edition_id    bigint NOT NULL REFERENCES survey_edition (id) ON DELETE CASCADE,
    territory_id  bigint NOT NULL REFERENCES territory (id),
    contact_name  text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
    contact_email text NOT NULL DEFAULT '' CHECK (length(contact_email) <= 254),
    contact_role  text NOT NULL DEFAULT '' CHECK (length(contact_role) <= 200),
    PRIMARY KEY (edition_id, territory_id)
);

CREATE TABLE survey_invitation (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id   bigint NOT NULL,
    territory_id bigint NOT NULL,
    -- sha256 of the token; the token itself is shown once and never stored.
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    issued_at    timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    status       text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'started', 'submitted')),
    reminded_at  timestamptz,
    UNIQUE (edition_id, territory_id),
    FOREIGN KEY (edition_id, territory_id) REFERENCES survey_frame (edition_id, territory_id) ON DELETE CASCADE
);

CREATE TABLE survey_response (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id     bigint NOT NULL REFERENCES survey_edition (id) ON DELETE CASCADE,
    territory_id   bigint NOT NULL REFERENCES territory (id),
    -- answers: survey.Answers as JSON. version increases on every save so a
    -- stale page from a second agent is refused (optimistic concurrency).
    answers        jsonb NOT NULL DEFAULT '{}',
    version        integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    prefilled_from bigint REFERENCES survey_response (id) ON DELETE SET NULL,
    publish        boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    submitted_at   timestamptz,
    -- One response per collectivité per edition.
    UNIQUE (edition_id, territory_id),
    CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
);

-- +goose Down
DROP TABLE survey_response;
DROP TABLE survey_invitation;
DROP TABLE survey_frame;
DROP TABLE survey_edition;
DROP TABLE survey_form;
