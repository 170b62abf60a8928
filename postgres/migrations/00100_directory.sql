-- +goose Up
-- The directory: civic tech tools, their vendors, the collectivités and other
-- organisations that adopt them, the evidence for each adoption, and an
-- append-only revision log of every change. The Go side (package directory)
-- validates first and explains; these constraints are the last line.

-- The fixed category taxonomy. Labels live in Go (directory.Categories); the
-- table exists so that foreign keys reject unknown slugs.
CREATE TABLE category (
    slug     text PRIMARY KEY CHECK (slug ~ '^[a-z][a-z0-9-]{1,40}$'),
    position integer NOT NULL UNIQUE
);
INSERT INTO category (slug, position) VALUES
    ('consultation', 1),
    ('participatory-budgeting', 2),
    ('petitions', 3),
    ('issue-reporting', 4),
    ('participatory-mapping', 5),
    ('deliberation', 6),
    ('voting', 7),
    ('co-writing', 8),
    ('civic-information', 9),
    ('open-data', 10),
    ('citizen-relationship', 11),
    ('civic-crowdfunding', 12),
    ('volunteering', 13);

CREATE TABLE vendor (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind       text NOT NULL DEFAULT 'unknown'
               CHECK (kind IN ('startup', 'company', 'association', 'cooperative', 'public-body', 'community', 'unknown')),
    siren      text CHECK (siren ~ '^[0-9]{9}$'),
    country    text CHECK (country ~ '^[A-Z]{2}$'),
    website    text CHECK (website ~ '^https?://' AND length(website) <= 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tool (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug               text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    tagline_fr         text NOT NULL DEFAULT '' CHECK (length(tagline_fr) <= 200),
    tagline_en         text NOT NULL DEFAULT '' CHECK (length(tagline_en) <= 200),
    description_fr     text NOT NULL DEFAULT '' CHECK (length(description_fr) <= 5000),
    description_en     text NOT NULL DEFAULT '' CHECK (length(description_en) <= 5000),
    website            text CHECK (website ~ '^https?://' AND length(website) <= 500),
    source_repo        text CHECK (source_repo ~ '^https?://' AND length(source_repo) <= 500),
    -- An SPDX licence id or expression; NULL when unknown.
    licence            text CHECK (length(licence) <= 100),
    -- NULL means unknown, which is not the same as proprietary.
    open_source        boolean,
    business_model     text NOT NULL DEFAULT 'unknown'
                       CHECK (business_model IN ('free', 'freemium', 'licence', 'saas', 'services', 'unknown')),
    hosting            text NOT NULL DEFAULT 'unknown'
                       CHECK (hosting IN ('france', 'eu', 'elsewhere', 'unknown')),
    languages          text[] NOT NULL DEFAULT '{}',
    accessibility      text NOT NULL DEFAULT 'unknown'
                       CHECK (accessibility IN ('full', 'partial', 'none', 'unknown')),
    accessibility_url  text CHECK (accessibility_url ~ '^https?://' AND length(accessibility_url) <= 500),
    founded_year       integer CHECK (founded_year BETWEEN 1980 AND 2100),
    lifecycle          text NOT NULL DEFAULT 'unknown'
                       CHECK (lifecycle IN ('active', 'dormant', 'defunct', 'unknown')),
    lifecycle_since    date,
    lifecycle_reason   text NOT NULL DEFAULT '' CHECK (length(lifecycle_reason) <= 500),
    vendor_id          bigint REFERENCES vendor (id) ON DELETE RESTRICT,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tool_vendor_idx ON tool (vendor_id);

CREATE TABLE tool_category (
    tool_id  bigint NOT NULL REFERENCES tool (id) ON DELETE CASCADE,
    category text NOT NULL REFERENCES category (slug),
    PRIMARY KEY (tool_id, category)
);
CREATE INDEX tool_category_category_idx ON tool_category (category, tool_id);

-- Where the facts of a tool profile come from: each source names the fields
-- it backs, so a reader can check any of them.
CREATE TABLE tool_source (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tool_id     bigint NOT NULL REFERENCES tool (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('vendor-list', 'public-catalogue', 'crawler', 'self-declared', 'barometer', 'curator')),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    url         text CHECK (url ~ '^https?://' AND length(url) <= 1000),
    licence     text NOT NULL DEFAULT '' CHECK (length(licence) <= 100),
    fields      text[] NOT NULL DEFAULT '{}',
    observed_on date,
    UNIQUE (tool_id, name, url)
);

-- Adopters that are not collectivités: parliaments, ministries, agencies,
-- companies, universities, associations, and foreign bodies. Kept apart so
-- that territorial statistics only ever count French collectivités.
CREATE TABLE organisation (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 120),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind       text NOT NULL DEFAULT 'other'
               CHECK (kind IN ('parliament', 'state', 'public-body', 'foreign-government', 'university',
                               'company', 'association', 'political', 'other')),
    siren      text CHECK (siren ~ '^[0-9]{9}$'),
    country    text CHECK (country ~ '^[A-Z]{2}$'),
    website    text CHECK (website ~ '^https?://' AND length(website) <= 500),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE adoption (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tool_id         bigint NOT NULL REFERENCES tool (id) ON DELETE RESTRICT,
    territory_id    bigint REFERENCES territory (id) ON DELETE RESTRICT,
    organisation_id bigint REFERENCES organisation (id) ON DELETE RESTRICT,
    -- Exactly one adopter: a collectivité or another organisation.
    CHECK (num_nonnulls(territory_id, organisation_id) = 1),
    instance_url    text CHECK (instance_url ~ '^https?://' AND length(instance_url) <= 1000),
    -- instance_key is the instance URL folded (scheme, www, trailing slash,
    -- case of the host) so that one site listed twice is one adoption.
    instance_key    text NOT NULL DEFAULT '',
    category        text REFERENCES category (slug),
    -- Months: the first day of the month, NULL when unknown.
    started_on      date CHECK (extract(day FROM started_on) = 1),
    ended_on        date CHECK (extract(day FROM ended_on) = 1),
    CHECK (started_on IS NULL OR ended_on IS NULL OR started_on <= ended_on),
    status          text NOT NULL DEFAULT 'unknown' CHECK (status IN ('current', 'ended', 'unknown')),
    CHECK (status = 'ended' OR ended_on IS NULL),
    confidence      real NOT NULL DEFAULT 0.5 CHECK (confidence BETWEEN 0 AND 1),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX adoption_identity_idx ON adoption (tool_id, coalesce(territory_id, 0), coalesce(organisation_id, 0), instance_key);
CREATE INDEX adoption_territory_idx ON adoption (territory_id, tool_id) WHERE territory_id IS NOT NULL;
CREATE INDEX adoption_organisation_idx ON adoption (organisation_id) WHERE organisation_id IS NOT NULL;
CREATE INDEX adoption_tool_idx ON adoption (tool_id, id);

CREATE TABLE evidence (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    adoption_id    bigint NOT NULL REFERENCES adoption (id) ON DELETE CASCADE,
    source_kind    text NOT NULL CHECK (source_kind IN ('vendor-list', 'public-catalogue', 'crawler', 'self-declared', 'barometer', 'curator')),
    source_name    text NOT NULL CHECK (length(source_name) BETWEEN 1 AND 200),
    source_url     text CHECK (source_url ~ '^https?://' AND length(source_url) <= 1000),
    source_licence text NOT NULL DEFAULT '' CHECK (length(source_licence) <= 100),
    observed_at    timestamptz NOT NULL,
    excerpt        text NOT NULL DEFAULT '' CHECK (length(excerpt) <= 2000),
    -- fingerprint identifies the record in its source (a file path, a
    -- detection hash), so that re-reading a source adds nothing twice.
    fingerprint    text NOT NULL CHECK (length(fingerprint) BETWEEN 1 AND 500),
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (adoption_id, source_name, fingerprint)
);

-- Append-only history of every change to the directory. It is also the
-- search outbox: indexers read it by increasing id. Writers take a
-- transaction-level advisory lock before appending (directory.lockRevisions),
-- so ids become visible in commit order and a reader never skips one.
CREATE TABLE revision (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity     text NOT NULL CHECK (entity IN ('tool', 'vendor', 'adoption', 'evidence', 'organisation')),
    entity_id  bigint NOT NULL,
    action     text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    -- who made the change: a person ("curator:alice"), an importer
    -- ("import:decidim") or the shipped seed ("seed").
    actor      text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    source     text NOT NULL DEFAULT '' CHECK (length(source) <= 1000),
    -- {"field": {"old": …, "new": …}, …}
    changes    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revision_entity_idx ON revision (entity, entity_id, id);

-- +goose StatementBegin
CREATE FUNCTION revision_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'revisions are append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER revision_append_only BEFORE UPDATE OR DELETE ON revision
    FOR EACH ROW EXECUTE FUNCTION revision_append_only();

-- +goose Down
DROP TABLE revision;
DROP FUNCTION revision_append_only();
DROP TABLE evidence;
DROP TABLE adoption;
DROP TABLE organisation;
DROP TABLE tool_source;
DROP TABLE tool_category;
DROP TABLE tool;
DROP TABLE vendor;
DROP TABLE category;
