-- The current schema, generated from postgres/migrations by
--   go test ./postgres -run TestSchemaFile -update
-- Read it to see the tables; change the schema with a new migration.
--
-- PostgreSQL database dump
--

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';

--
-- Name: unaccent; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

--
-- Name: EXTENSION unaccent; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION unaccent IS 'text search dictionary that removes accents';

--
-- Name: audit_log_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

--
-- Name: barometer_results_forget_all(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.barometer_results_forget_all() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM barometer_results;
    RETURN NULL;
END;
$$;

--
-- Name: barometer_results_forget_edition(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.barometer_results_forget_edition() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM barometer_results WHERE edition_id = OLD.id;
    RETURN NULL;
END;
$$;

--
-- Name: barometer_results_forget_responses(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.barometer_results_forget_responses() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM barometer_results WHERE edition_id IN (SELECT DISTINCT edition_id FROM changed);
    RETURN NULL;
END;
$$;

--
-- Name: login_attempt(text, integer, interval, interval, interval); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.login_attempt(k text, lim integer, win interval, backoff interval, cap interval) RETURNS double precision
    LANGUAGE plpgsql
    AS $$
DECLARE
    r login_throttle%ROWTYPE;
BEGIN
    INSERT INTO login_throttle (key) VALUES (k) ON CONFLICT (key) DO NOTHING;
    SELECT * INTO r FROM login_throttle WHERE key = k FOR UPDATE;
    IF r.blocked_until > now() THEN
        RETURN extract(epoch FROM r.blocked_until - now());
    END IF;
    IF r.window_start < now() - win THEN
        -- A quiet window forgets the attempts, and the blocks once the last
        -- one is a window old.
        IF r.blocked_until IS NULL OR r.blocked_until < now() - win THEN
            r.blocks := 0;
        END IF;
        r.attempts := 0;
        r.window_start := now();
    END IF;
    IF r.attempts >= lim THEN
        r.blocks := r.blocks + 1;
        r.blocked_until := now() + least(backoff * power(2, least(r.blocks - 1, 20)), cap);
        UPDATE login_throttle SET attempts = 0, window_start = now(), blocks = r.blocks,
            blocked_until = r.blocked_until WHERE key = k;
        RETURN extract(epoch FROM r.blocked_until - now());
    END IF;
    UPDATE login_throttle SET attempts = r.attempts + 1, window_start = r.window_start, blocks = r.blocks
        WHERE key = k;
    RETURN 0;
END
$$;

--
-- Name: population_bracket(text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.population_bracket(kind text, population integer) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
SELECT (CASE
    WHEN population IS NULL OR kind IS NULL THEN 0
    WHEN kind = 'commune' THEN CASE
        WHEN population < 1000 THEN 1 WHEN population < 3500 THEN 2 WHEN population < 10000 THEN 3
        WHEN population < 20000 THEN 4 WHEN population < 50000 THEN 5 WHEN population < 100000 THEN 6
        ELSE 7 END
    WHEN kind = 'epci' THEN CASE
        WHEN population < 15000 THEN 8 WHEN population < 30000 THEN 9 WHEN population < 50000 THEN 10
        WHEN population < 100000 THEN 11 WHEN population < 300000 THEN 12
        ELSE 13 END
    WHEN kind = 'ept' THEN CASE
        WHEN population < 15000 THEN 14 WHEN population < 30000 THEN 15 WHEN population < 50000 THEN 16
        WHEN population < 100000 THEN 17 WHEN population < 300000 THEN 18
        ELSE 19 END
    WHEN kind = 'departement' THEN CASE
        WHEN population < 250000 THEN 20 WHEN population < 500000 THEN 21 WHEN population < 1000000 THEN 22
        ELSE 23 END
    WHEN kind = 'region' THEN 24
    ELSE 0 END)::smallint
$$;

--
-- Name: proposal_within_caps(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.proposal_within_caps() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: report_release_immutable(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.report_release_immutable() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'published releases are immutable';
END;
$$;

--
-- Name: revision_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.revision_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'revisions are append-only';
END;
$$;

--
-- Name: french_unaccent; Type: TEXT SEARCH CONFIGURATION; Schema: public; Owner: -
--

CREATE TEXT SEARCH CONFIGURATION public.french_unaccent (
    PARSER = pg_catalog."default" );

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR asciiword WITH french_stem;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR word WITH public.unaccent, french_stem;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR numword WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR email WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR url WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR host WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR sfloat WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR version WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR hword_numpart WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR hword_part WITH public.unaccent, french_stem;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR hword_asciipart WITH french_stem;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR numhword WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR asciihword WITH french_stem;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR hword WITH public.unaccent, french_stem;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR url_path WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR file WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR "float" WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR "int" WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ADD MAPPING FOR uint WITH simple;

--
-- Name: simple_unaccent; Type: TEXT SEARCH CONFIGURATION; Schema: public; Owner: -
--

CREATE TEXT SEARCH CONFIGURATION public.simple_unaccent (
    PARSER = pg_catalog."default" );

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR asciiword WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR word WITH public.unaccent, simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR numword WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR email WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR url WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR host WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR sfloat WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR version WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR hword_numpart WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR hword_part WITH public.unaccent, simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR hword_asciipart WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR numhword WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR asciihword WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR hword WITH public.unaccent, simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR url_path WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR file WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR "float" WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR "int" WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.simple_unaccent
    ADD MAPPING FOR uint WITH simple;

--
-- Name: adoption; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.adoption (
    id bigint NOT NULL,
    tool_id bigint NOT NULL,
    territory_id bigint,
    organisation_id bigint,
    instance_url text,
    instance_key text DEFAULT ''::text NOT NULL,
    category text,
    started_on date,
    ended_on date,
    status text DEFAULT 'unknown'::text NOT NULL,
    confidence real DEFAULT 0.5 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    attested_first date,
    attested_last date,
    CONSTRAINT adoption_attested_ordered CHECK (((attested_first IS NULL) OR (attested_last >= attested_first))),
    CONSTRAINT adoption_check CHECK ((num_nonnulls(territory_id, organisation_id) = 1)),
    CONSTRAINT adoption_check1 CHECK (((started_on IS NULL) OR (ended_on IS NULL) OR (started_on <= ended_on))),
    CONSTRAINT adoption_check2 CHECK (((status = 'ended'::text) OR (ended_on IS NULL))),
    CONSTRAINT adoption_confidence_check CHECK (((confidence >= (0)::double precision) AND (confidence <= (1)::double precision))),
    CONSTRAINT adoption_ended_on_check CHECK ((EXTRACT(day FROM ended_on) = (1)::numeric)),
    CONSTRAINT adoption_instance_url_check CHECK (((instance_url ~ '^https?://'::text) AND (length(instance_url) <= 1000))),
    CONSTRAINT adoption_started_on_check CHECK ((EXTRACT(day FROM started_on) = (1)::numeric)),
    CONSTRAINT adoption_status_check CHECK ((status = ANY (ARRAY['current'::text, 'ended'::text, 'unknown'::text])))
);

--
-- Name: adoption_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.adoption ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.adoption_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: api_token; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_token (
    id bigint NOT NULL,
    name text NOT NULL,
    scope text NOT NULL,
    prefix text NOT NULL,
    hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    user_id bigint,
    CONSTRAINT api_token_check CHECK (((expires_at IS NULL) OR (expires_at > created_at))),
    CONSTRAINT api_token_hash_check CHECK ((length(hash) = 32)),
    CONSTRAINT api_token_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100))),
    CONSTRAINT api_token_prefix_check CHECK ((prefix ~ '^[A-Za-z0-9_-]{8}$'::text)),
    CONSTRAINT api_token_scope_check CHECK ((scope = ANY (ARRAY['read'::text, 'write'::text, 'admin'::text]))),
    CONSTRAINT api_token_write_has_user CHECK (((scope <> 'write'::text) OR (user_id IS NOT NULL)))
);

--
-- Name: api_token_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.api_token ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.api_token_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: app_user; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.app_user (
    id bigint NOT NULL,
    email text,
    display_name text DEFAULT ''::text NOT NULL,
    password_hash text,
    role text DEFAULT 'contributor'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    confirmed_at timestamp with time zone DEFAULT now(),
    CONSTRAINT app_user_check CHECK (((deleted_at IS NULL) = (email IS NOT NULL))),
    CONSTRAINT app_user_check1 CHECK (((deleted_at IS NOT NULL) OR (password_hash IS NOT NULL))),
    CONSTRAINT app_user_display_name_check CHECK ((length(display_name) <= 100)),
    CONSTRAINT app_user_email_check CHECK ((((length(email) >= 3) AND (length(email) <= 254)) AND (email = lower(email)))),
    CONSTRAINT app_user_password_hash_check CHECK ((length(password_hash) <= 300)),
    CONSTRAINT app_user_role_check CHECK ((role = ANY (ARRAY['contributor'::text, 'moderator'::text, 'admin'::text])))
);

--
-- Name: app_user_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.app_user ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.app_user_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    actor_id bigint,
    action text NOT NULL,
    proposal_id bigint,
    entity text DEFAULT ''::text NOT NULL,
    entity_id bigint,
    reason text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT audit_log_action_check CHECK (((length(action) >= 1) AND (length(action) <= 60))),
    CONSTRAINT audit_log_entity_check CHECK ((length(entity) <= 40)),
    CONSTRAINT audit_log_reason_check CHECK ((length(reason) <= 2000))
);

--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: barometer_results; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.barometer_results (
    edition_id bigint NOT NULL,
    claim bigint NOT NULL,
    scheme text NOT NULL,
    results_fr json,
    results_en json,
    claimed_at timestamp with time zone DEFAULT now() NOT NULL,
    computed_at timestamp with time zone,
    CONSTRAINT barometer_results_check CHECK (((results_fr IS NULL) = (results_en IS NULL))),
    CONSTRAINT barometer_results_check1 CHECK (((results_fr IS NULL) = (computed_at IS NULL))),
    CONSTRAINT barometer_results_scheme_check CHECK (((length(scheme) >= 1) AND (length(scheme) <= 200)))
);

--
-- Name: category; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.category (
    slug text NOT NULL,
    "position" integer NOT NULL,
    CONSTRAINT category_slug_check CHECK ((slug ~ '^[a-z][a-z0-9-]{1,40}$'::text))
);

--
-- Name: crawl_finding; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crawl_finding (
    id bigint NOT NULL,
    run_id bigint,
    page_id bigint,
    site_id bigint,
    territory_id bigint,
    instance_url text NOT NULL,
    page_url text NOT NULL,
    platform text NOT NULL,
    confidence integer NOT NULL,
    version text DEFAULT ''::text NOT NULL,
    matches jsonb NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    found_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT crawl_finding_confidence_check CHECK (((confidence >= 0) AND (confidence <= 100))),
    CONSTRAINT crawl_finding_instance_url_check CHECK ((length(instance_url) <= 1000)),
    CONSTRAINT crawl_finding_note_check CHECK ((length(note) <= 1000)),
    CONSTRAINT crawl_finding_platform_check CHECK (((length(platform) >= 1) AND (length(platform) <= 200))),
    CONSTRAINT crawl_finding_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'published'::text, 'rejected'::text])))
);

--
-- Name: crawl_finding_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.crawl_finding ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.crawl_finding_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: crawl_host; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crawl_host (
    host text NOT NULL,
    next_at timestamp with time zone NOT NULL,
    CONSTRAINT crawl_host_host_check CHECK (((length(host) >= 1) AND (length(host) <= 300)))
);

--
-- Name: crawl_page; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crawl_page (
    id bigint NOT NULL,
    run_id bigint,
    url text NOT NULL,
    final_url text NOT NULL,
    status integer NOT NULL,
    headers jsonb DEFAULT '{}'::jsonb NOT NULL,
    redirects jsonb DEFAULT '[]'::jsonb NOT NULL,
    content_type text DEFAULT ''::text NOT NULL,
    charset text DEFAULT ''::text NOT NULL,
    content_hash text DEFAULT ''::text NOT NULL,
    body_gz bytea,
    body_size integer DEFAULT 0 NOT NULL,
    truncated boolean DEFAULT false NOT NULL,
    etag text DEFAULT ''::text NOT NULL,
    last_modified text DEFAULT ''::text NOT NULL,
    fetched_at timestamp with time zone NOT NULL,
    duration_ms integer DEFAULT 0 NOT NULL
);

--
-- Name: crawl_page_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.crawl_page ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.crawl_page_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: crawl_proposal; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crawl_proposal (
    id bigint NOT NULL,
    source text NOT NULL,
    kind text NOT NULL,
    key text NOT NULL,
    page_url text NOT NULL,
    fields jsonb NOT NULL,
    mapped jsonb NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    first_seen timestamp with time zone DEFAULT now() NOT NULL,
    last_seen timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT crawl_proposal_key_check CHECK (((length(key) >= 1) AND (length(key) <= 2000))),
    CONSTRAINT crawl_proposal_kind_check CHECK ((kind = ANY (ARRAY['adoption'::text, 'tool'::text, 'tool-profile'::text]))),
    CONSTRAINT crawl_proposal_page_url_check CHECK ((length(page_url) <= 2000)),
    CONSTRAINT crawl_proposal_source_check CHECK (((length(source) >= 1) AND (length(source) <= 200))),
    CONSTRAINT crawl_proposal_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'accepted'::text, 'rejected'::text])))
);

--
-- Name: crawl_proposal_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.crawl_proposal ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.crawl_proposal_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: crawl_queue; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crawl_queue (
    id bigint NOT NULL,
    run_id bigint NOT NULL,
    url text NOT NULL,
    depth integer DEFAULT 0 NOT NULL,
    site_id bigint,
    reason text DEFAULT 'seed'::text NOT NULL,
    state text DEFAULT 'queued'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    claimed_by text,
    lease_until timestamp with time zone,
    error text DEFAULT ''::text NOT NULL,
    page_id bigint,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    open boolean GENERATED ALWAYS AS ((state = ANY (ARRAY['queued'::text, 'claimed'::text]))) STORED,
    CONSTRAINT crawl_queue_check CHECK (((state = 'claimed'::text) = (lease_until IS NOT NULL))),
    CONSTRAINT crawl_queue_depth_check CHECK ((depth >= 0)),
    CONSTRAINT crawl_queue_error_check CHECK ((length(error) <= 1000)),
    CONSTRAINT crawl_queue_reason_check CHECK ((length(reason) <= 300)),
    CONSTRAINT crawl_queue_state_check CHECK ((state = ANY (ARRAY['queued'::text, 'claimed'::text, 'done'::text, 'failed'::text]))),
    CONSTRAINT crawl_queue_url_check CHECK (((url ~ '^https?://'::text) AND (length(url) <= 2000)))
)
WITH (fillfactor='70');

--
-- Name: crawl_queue_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.crawl_queue ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.crawl_queue_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: crawl_run; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crawl_run (
    id bigint NOT NULL,
    kind text NOT NULL,
    label text DEFAULT ''::text NOT NULL,
    max_depth integer DEFAULT 2 NOT NULL,
    status text DEFAULT 'running'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    CONSTRAINT crawl_run_check CHECK (((status = 'running'::text) = (finished_at IS NULL))),
    CONSTRAINT crawl_run_kind_check CHECK ((kind = ANY (ARRAY['discovery'::text, 'liveness'::text, 'catalogue'::text]))),
    CONSTRAINT crawl_run_label_check CHECK ((length(label) <= 200)),
    CONSTRAINT crawl_run_max_depth_check CHECK (((max_depth >= 0) AND (max_depth <= 5))),
    CONSTRAINT crawl_run_status_check CHECK ((status = ANY (ARRAY['running'::text, 'done'::text, 'cancelled'::text])))
);

--
-- Name: crawl_run_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.crawl_run ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.crawl_run_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: crawl_site; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crawl_site (
    id bigint NOT NULL,
    territory_id bigint NOT NULL,
    url text NOT NULL,
    source text NOT NULL,
    source_name text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT crawl_site_source_check CHECK ((source = ANY (ARRAY['csv'::text, 'adoption'::text, 'register'::text]))),
    CONSTRAINT crawl_site_source_name_check CHECK ((length(source_name) <= 300)),
    CONSTRAINT crawl_site_url_check CHECK (((url ~ '^https?://'::text) AND (length(url) <= 1000)))
);

--
-- Name: crawl_site_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.crawl_site ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.crawl_site_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: evidence; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.evidence (
    id bigint NOT NULL,
    adoption_id bigint NOT NULL,
    source_kind text NOT NULL,
    source_name text NOT NULL,
    source_url text,
    source_licence text DEFAULT ''::text NOT NULL,
    observed_at timestamp with time zone NOT NULL,
    excerpt text DEFAULT ''::text NOT NULL,
    fingerprint text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    date_meaning text DEFAULT 'observation'::text NOT NULL,
    observed_until timestamp with time zone,
    CONSTRAINT evidence_date_meaning_check CHECK ((date_meaning = ANY (ARRAY['observation'::text, 'consultation'::text, 'source-snapshot'::text, 'declaration'::text]))),
    CONSTRAINT evidence_excerpt_check CHECK ((length(excerpt) <= 2000)),
    CONSTRAINT evidence_fingerprint_check CHECK (((length(fingerprint) >= 1) AND (length(fingerprint) <= 500))),
    CONSTRAINT evidence_source_kind_check CHECK ((source_kind = ANY (ARRAY['vendor-list'::text, 'public-catalogue'::text, 'crawler'::text, 'self-declared'::text, 'barometer'::text, 'curator'::text, 'vendor'::text, 'contributor'::text]))),
    CONSTRAINT evidence_source_licence_check CHECK ((length(source_licence) <= 100)),
    CONSTRAINT evidence_source_name_check CHECK (((length(source_name) >= 1) AND (length(source_name) <= 200))),
    CONSTRAINT evidence_source_url_check CHECK (((source_url ~ '^https?://'::text) AND (length(source_url) <= 1000))),
    CONSTRAINT evidence_span_ordered CHECK (((observed_until IS NULL) OR (observed_until >= observed_at)))
);

--
-- Name: evidence_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.evidence ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.evidence_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: listing_claim; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.listing_claim (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    tool_id bigint NOT NULL,
    domain text NOT NULL,
    token text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    method text DEFAULT ''::text NOT NULL,
    last_error text DEFAULT ''::text NOT NULL,
    checked_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    verified_at timestamp with time zone,
    CONSTRAINT listing_claim_domain_check CHECK (((length(domain) >= 1) AND (length(domain) <= 253))),
    CONSTRAINT listing_claim_last_error_check CHECK ((length(last_error) <= 500)),
    CONSTRAINT listing_claim_method_check CHECK ((method = ANY (ARRAY[''::text, 'meta'::text, 'dns'::text]))),
    CONSTRAINT listing_claim_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'verified'::text]))),
    CONSTRAINT listing_claim_token_check CHECK ((token ~ '^[A-Za-z0-9_-]{20,64}$'::text))
);

--
-- Name: listing_claim_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.listing_claim ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.listing_claim_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: liveness_check; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.liveness_check (
    id bigint NOT NULL,
    target_id bigint NOT NULL,
    checked_at timestamp with time zone DEFAULT now() NOT NULL,
    class text NOT NULL,
    status integer DEFAULT 0 NOT NULL,
    final_url text DEFAULT ''::text NOT NULL,
    detail text DEFAULT ''::text NOT NULL,
    CONSTRAINT liveness_check_class_check CHECK ((class = ANY (ARRAY['alive'::text, 'moved'::text, 'gone'::text, 'unreachable'::text, 'parked'::text, 'archived'::text, 'error'::text]))),
    CONSTRAINT liveness_check_detail_check CHECK ((length(detail) <= 1000))
);

--
-- Name: liveness_check_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.liveness_check ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.liveness_check_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: liveness_target; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.liveness_target (
    id bigint NOT NULL,
    kind text NOT NULL,
    ref bigint NOT NULL,
    url text NOT NULL,
    label text DEFAULT ''::text NOT NULL,
    state text DEFAULT 'alive'::text NOT NULL,
    first_failure_at timestamp with time zone,
    failures integer DEFAULT 0 NOT NULL,
    last_checked_at timestamp with time zone,
    last_class text,
    state_since timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT liveness_target_kind_check CHECK ((kind = ANY (ARRAY['tool'::text, 'adoption'::text, 'website'::text]))),
    CONSTRAINT liveness_target_label_check CHECK ((length(label) <= 300)),
    CONSTRAINT liveness_target_state_check CHECK ((state = ANY (ARRAY['alive'::text, 'dormant'::text, 'defunct'::text]))),
    CONSTRAINT liveness_target_url_check CHECK (((url ~ '^https?://'::text) AND (length(url) <= 1000)))
);

--
-- Name: liveness_target_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.liveness_target ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.liveness_target_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: login_throttle; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.login_throttle (
    key text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    window_start timestamp with time zone DEFAULT now() NOT NULL,
    blocks integer DEFAULT 0 NOT NULL,
    blocked_until timestamp with time zone,
    CONSTRAINT login_throttle_key_check CHECK ((length(key) <= 400))
);

--
-- Name: mail_outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mail_outbox (
    id bigint NOT NULL,
    to_addr text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    error text DEFAULT ''::text NOT NULL,
    secret text DEFAULT ''::text NOT NULL,
    CONSTRAINT mail_outbox_body_check CHECK ((length(body) <= 20000)),
    CONSTRAINT mail_outbox_secret_check CHECK ((length(secret) <= 500)),
    CONSTRAINT mail_outbox_subject_check CHECK ((length(subject) <= 300)),
    CONSTRAINT mail_outbox_to_addr_check CHECK ((length(to_addr) <= 254))
);

--
-- Name: mail_outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.mail_outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.mail_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: organisation; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organisation (
    id bigint NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    kind text DEFAULT 'other'::text NOT NULL,
    siren text,
    country text,
    website text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT organisation_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT organisation_kind_check CHECK ((kind = ANY (ARRAY['parliament'::text, 'state'::text, 'public-body'::text, 'foreign-government'::text, 'university'::text, 'company'::text, 'association'::text, 'political'::text, 'other'::text]))),
    CONSTRAINT organisation_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT organisation_siren_check CHECK ((siren ~ '^[0-9]{9}$'::text)),
    CONSTRAINT organisation_slug_check CHECK (((slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text) AND (length(slug) <= 120))),
    CONSTRAINT organisation_website_check CHECK (((website ~ '^https?://'::text) AND (length(website) <= 500)))
);

--
-- Name: organisation_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.organisation ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.organisation_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: password_reset; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.password_reset (
    token_hash bytea NOT NULL,
    user_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    purpose text DEFAULT 'reset'::text NOT NULL,
    CONSTRAINT password_reset_purpose_check CHECK ((purpose = ANY (ARRAY['reset'::text, 'confirm'::text]))),
    CONSTRAINT password_reset_token_hash_check CHECK ((length(token_hash) = 32))
);

--
-- Name: proposal; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.proposal (
    id bigint NOT NULL,
    kind text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    submitter_id bigint,
    entity text,
    entity_id bigint,
    title text NOT NULL,
    payload jsonb NOT NULL,
    base jsonb DEFAULT '{}'::jsonb NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    confidence real,
    reason text DEFAULT ''::text NOT NULL,
    decided_by bigint,
    decided_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    reverted_by bigint,
    reverted_at timestamp with time zone,
    revert_reason text DEFAULT ''::text NOT NULL,
    CONSTRAINT proposal_check CHECK (((status = 'reverted'::text) OR ((status = ANY (ARRAY['approved'::text, 'rejected'::text])) = (decided_at IS NOT NULL)))),
    CONSTRAINT proposal_check1 CHECK (((status <> 'rejected'::text) OR (length(btrim(reason)) > 0))),
    CONSTRAINT proposal_confidence_check CHECK (((confidence >= (0)::double precision) AND (confidence <= (1)::double precision))),
    CONSTRAINT proposal_entity_check CHECK ((entity = ANY (ARRAY['tool'::text, 'vendor'::text, 'adoption'::text, 'evidence'::text, 'organisation'::text, 'territory'::text]))),
    CONSTRAINT proposal_kind_check CHECK ((kind = ANY (ARRAY['new-tool'::text, 'tool-edit'::text, 'adoption'::text, 'crawler-finding'::text, 'website'::text]))),
    CONSTRAINT proposal_note_check CHECK ((length(note) <= 2000)),
    CONSTRAINT proposal_reason_check CHECK ((length(reason) <= 2000)),
    CONSTRAINT proposal_revert_reason_check CHECK ((length(revert_reason) <= 2000)),
    CONSTRAINT proposal_reverted_check CHECK ((((status = 'reverted'::text) = (reverted_at IS NOT NULL)) AND ((status <> 'reverted'::text) OR (length(btrim(revert_reason)) > 0)))),
    CONSTRAINT proposal_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'approved'::text, 'rejected'::text, 'published'::text, 'reverted'::text]))),
    CONSTRAINT proposal_title_check CHECK (((length(title) >= 1) AND (length(title) <= 300)))
);

--
-- Name: proposal_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.proposal ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.proposal_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: territory; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.territory (
    id bigint NOT NULL,
    kind text NOT NULL,
    code text NOT NULL,
    siren text,
    name text NOT NULL,
    name_norm text NOT NULL,
    legal_form text,
    departement_code text,
    region_code text,
    epci_code text,
    ept_code text,
    zone text,
    population integer,
    postal_codes text[] DEFAULT '{}'::text[] NOT NULL,
    historic boolean DEFAULT false NOT NULL,
    source text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT territory_code_check CHECK ((code ~ '^[0-9AB]{2,9}$'::text)),
    CONSTRAINT territory_kind_check CHECK ((kind = ANY (ARRAY['commune'::text, 'epci'::text, 'ept'::text, 'departement'::text, 'region'::text]))),
    CONSTRAINT territory_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT territory_population_check CHECK ((population >= 0)),
    CONSTRAINT territory_siren_check CHECK ((siren ~ '^[0-9]{9}$'::text)),
    CONSTRAINT territory_zone_check CHECK ((zone = ANY (ARRAY['metro'::text, 'drom'::text, 'com'::text])))
);

--
-- Name: tool_category; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tool_category (
    tool_id bigint NOT NULL,
    category text NOT NULL
);

--
-- Name: report_adoption; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.report_adoption AS
 SELECT a.id AS adoption_id,
    a.tool_id,
    COALESCE(a.category, ( SELECT tc.category
           FROM (public.tool_category tc
             JOIN public.category c ON ((c.slug = tc.category)))
          WHERE (tc.tool_id = a.tool_id)
          ORDER BY c."position"
         LIMIT 1), ''::text) AS category,
    (COALESCE(EXTRACT(year FROM a.started_on), ( SELECT EXTRACT(year FROM min(e.observed_at)) AS "extract"
           FROM public.evidence e
          WHERE ((e.adoption_id = a.id) AND (e.date_meaning <> 'source-snapshot'::text))), (0)::numeric))::smallint AS year,
    (a.started_on IS NOT NULL) AS year_exact,
    (COALESCE(EXTRACT(year FROM a.ended_on), (0)::numeric))::smallint AS end_year,
    a.status,
    COALESCE(t.kind, 'organisation'::text) AS adopter_kind,
    COALESCE(
        CASE
            WHEN (t.kind = 'departement'::text) THEN t.code
            ELSE t.departement_code
        END, ''::text) AS departement,
    COALESCE(
        CASE
            WHEN (t.kind = 'region'::text) THEN t.code
            ELSE t.region_code
        END, ''::text) AS region,
    public.population_bracket(t.kind, t.population) AS bracket
   FROM (public.adoption a
     LEFT JOIN public.territory t ON ((t.id = a.territory_id)))
  WITH NO DATA;

--
-- Name: report_adoption_place; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.report_adoption_place AS
 SELECT report_adoption.year,
    report_adoption.category,
    report_adoption.adopter_kind,
    report_adoption.bracket,
    report_adoption.departement,
    report_adoption.region,
    (count(*))::integer AS n
   FROM public.report_adoption
  GROUP BY report_adoption.year, report_adoption.category, report_adoption.adopter_kind, report_adoption.bracket, report_adoption.departement, report_adoption.region
  WITH NO DATA;

--
-- Name: report_adoption_region; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.report_adoption_region AS
 SELECT report_adoption_place.year,
    report_adoption_place.category,
    report_adoption_place.adopter_kind,
    report_adoption_place.bracket,
    report_adoption_place.region,
    (sum(report_adoption_place.n))::integer AS n
   FROM public.report_adoption_place
  GROUP BY report_adoption_place.year, report_adoption_place.category, report_adoption_place.adopter_kind, report_adoption_place.bracket, report_adoption_place.region
  WITH NO DATA;

--
-- Name: report_adoption_share; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.report_adoption_share AS
 SELECT report_adoption.tool_id,
    report_adoption.category,
    (count(*))::integer AS n,
    (COALESCE((min(report_adoption.year) FILTER (WHERE (report_adoption.year > 0)))::integer, 0))::smallint AS first_year
   FROM public.report_adoption
  GROUP BY report_adoption.tool_id, report_adoption.category
  WITH NO DATA;

--
-- Name: report_adoption_time; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.report_adoption_time AS
 SELECT report_adoption.year,
    report_adoption.end_year,
    report_adoption.status,
    report_adoption.tool_id,
    report_adoption.category,
    (count(*))::integer AS n
   FROM public.report_adoption
  GROUP BY report_adoption.year, report_adoption.end_year, report_adoption.status, report_adoption.tool_id, report_adoption.category
  WITH NO DATA;

--
-- Name: report_adoption_year; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.report_adoption_year AS
 SELECT report_adoption.year,
    report_adoption.end_year,
    report_adoption.status,
    report_adoption.category,
    (count(*))::integer AS n
   FROM public.report_adoption
  GROUP BY report_adoption.year, report_adoption.end_year, report_adoption.status, report_adoption.category
  WITH NO DATA;

--
-- Name: report_refresh; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.report_refresh (
    name text NOT NULL,
    refreshed_at timestamp with time zone NOT NULL
);

--
-- Name: report_release; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.report_release (
    id bigint NOT NULL,
    dataset text NOT NULL,
    version text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT report_release_dataset_check CHECK ((dataset ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text)),
    CONSTRAINT report_release_version_check CHECK ((version ~ '^[0-9A-Za-z.-]{1,60}$'::text))
);

--
-- Name: report_release_file; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.report_release_file (
    release_id bigint NOT NULL,
    name text NOT NULL,
    media_type text NOT NULL,
    bytes bigint NOT NULL,
    sha256 text NOT NULL,
    rows bigint,
    CONSTRAINT report_release_file_bytes_check CHECK ((bytes >= 0)),
    CONSTRAINT report_release_file_name_check CHECK ((name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$'::text)),
    CONSTRAINT report_release_file_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);

--
-- Name: report_release_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.report_release ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.report_release_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: report_tool_share; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.report_tool_share AS
 SELECT report_adoption_share.category,
    report_adoption_share.tool_id,
    report_adoption_share.n,
    (sum(report_adoption_share.n) OVER (PARTITION BY report_adoption_share.category))::integer AS total,
    (row_number() OVER (PARTITION BY report_adoption_share.category ORDER BY report_adoption_share.n DESC, report_adoption_share.tool_id))::integer AS rank
   FROM public.report_adoption_share
  WHERE (report_adoption_share.category <> ''::text)
  WITH NO DATA;

--
-- Name: revision; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.revision (
    id bigint NOT NULL,
    entity text NOT NULL,
    entity_id bigint NOT NULL,
    action text NOT NULL,
    actor text NOT NULL,
    source text DEFAULT ''::text NOT NULL,
    changes jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT revision_action_check CHECK ((action = ANY (ARRAY['create'::text, 'update'::text, 'delete'::text]))),
    CONSTRAINT revision_actor_check CHECK (((length(actor) >= 1) AND (length(actor) <= 200))),
    CONSTRAINT revision_entity_check CHECK ((entity = ANY (ARRAY['tool'::text, 'vendor'::text, 'adoption'::text, 'evidence'::text, 'organisation'::text, 'territory'::text]))),
    CONSTRAINT revision_source_check CHECK ((length(source) <= 1000))
);

--
-- Name: revision_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.revision ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.revision_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: search_cursor; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.search_cursor (
    name text NOT NULL,
    revision bigint NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: search_document_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.search_document_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: search_document; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.search_document (
    id text NOT NULL,
    type text NOT NULL,
    entity_id bigint NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    name_sort text NOT NULL,
    summary text DEFAULT ''::text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    keywords text DEFAULT ''::text NOT NULL,
    adopters integer DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    facets text[] DEFAULT '{}'::text[] NOT NULL,
    body tsvector GENERATED ALWAYS AS ((((((setweight(to_tsvector('public.french_unaccent'::regconfig, name), 'A'::"char") || setweight(to_tsvector('public.french_unaccent'::regconfig, ((summary || ' '::text) || keywords)), 'B'::"char")) || setweight(to_tsvector('public.french_unaccent'::regconfig, description), 'C'::"char")) || setweight(to_tsvector('public.simple_unaccent'::regconfig, name), 'A'::"char")) || setweight(to_tsvector('public.simple_unaccent'::regconfig, ((summary || ' '::text) || keywords)), 'B'::"char")) || setweight(to_tsvector('public.simple_unaccent'::regconfig, description), 'C'::"char"))) STORED,
    doc_no bigint NOT NULL,
    seq bigint DEFAULT nextval('public.search_document_seq'::regclass) NOT NULL,
    head tsvector GENERATED ALWAYS AS ((to_tsvector('public.french_unaccent'::regconfig, ((((name || ' '::text) || summary) || ' '::text) || keywords)) || to_tsvector('public.simple_unaccent'::regconfig, ((((name || ' '::text) || summary) || ' '::text) || keywords)))) STORED,
    population integer DEFAULT 0 NOT NULL,
    title tsvector GENERATED ALWAYS AS (((to_tsvector('public.simple_unaccent'::regconfig, name) || to_tsvector('public.simple_unaccent'::regconfig, regexp_replace(name, '[^[:alnum:]]+'::text, ' '::text, 'g'::text))) || to_tsvector('public.simple_unaccent'::regconfig, regexp_replace(name, '[^[:alnum:]]+'::text, ''::text, 'g'::text)))) STORED,
    CONSTRAINT search_document_type_check CHECK ((type = ANY (ARRAY['tool'::text, 'vendor'::text, 'territory'::text])))
);

--
-- Name: search_document_doc_no_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.search_document ALTER COLUMN doc_no ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.search_document_doc_no_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: search_tombstone; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.search_tombstone (
    doc_no bigint NOT NULL,
    seq bigint DEFAULT nextval('public.search_document_seq'::regclass) NOT NULL,
    deleted_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: search_word; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.search_word (
    word text NOT NULL COLLATE pg_catalog."C"
);

--
-- Name: survey_edition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.survey_edition (
    id bigint NOT NULL,
    year integer NOT NULL,
    title text NOT NULL,
    opens_on date NOT NULL,
    closes_on date NOT NULL,
    form_id bigint NOT NULL,
    status text DEFAULT 'draft'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    disclosure_k integer DEFAULT 5 NOT NULL,
    disclosure_min_units integer DEFAULT 5 NOT NULL,
    disclosure_dominance numeric(4,3) DEFAULT 0.85 NOT NULL,
    frame_rule text DEFAULT ''::text NOT NULL,
    preview_token_hash bytea,
    CONSTRAINT survey_edition_check CHECK ((closes_on >= opens_on)),
    CONSTRAINT survey_edition_disclosure_dominance_check CHECK (((disclosure_dominance > (0)::numeric) AND (disclosure_dominance <= 0.85))),
    CONSTRAINT survey_edition_disclosure_k_check CHECK (((disclosure_k >= 3) AND (disclosure_k <= 100))),
    CONSTRAINT survey_edition_disclosure_min_units_check CHECK (((disclosure_min_units >= 3) AND (disclosure_min_units <= 100))),
    CONSTRAINT survey_edition_frame_rule_check CHECK ((length(frame_rule) <= 2000)),
    CONSTRAINT survey_edition_preview_token_hash_check CHECK ((length(preview_token_hash) = 32)),
    CONSTRAINT survey_edition_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'open'::text, 'closed'::text, 'published'::text]))),
    CONSTRAINT survey_edition_title_check CHECK (((length(title) >= 1) AND (length(title) <= 200))),
    CONSTRAINT survey_edition_year_check CHECK (((year >= 2000) AND (year <= 2100)))
);

--
-- Name: survey_edition_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.survey_edition ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.survey_edition_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: survey_form; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.survey_form (
    id bigint NOT NULL,
    form_id text NOT NULL,
    version text NOT NULL,
    title text DEFAULT ''::text NOT NULL,
    definition jsonb NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT survey_form_form_id_check CHECK (((length(form_id) >= 1) AND (length(form_id) <= 64))),
    CONSTRAINT survey_form_version_check CHECK (((length(version) >= 1) AND (length(version) <= 64)))
);

--
-- Name: survey_form_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.survey_form ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.survey_form_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: survey_frame; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.survey_frame (
    edition_id bigint NOT NULL,
    territory_id bigint NOT NULL,
    contact_name text DEFAULT ''::text NOT NULL,
    contact_email text DEFAULT ''::text NOT NULL,
    contact_role text DEFAULT ''::text NOT NULL,
    CONSTRAINT survey_frame_contact_email_check CHECK ((length(contact_email) <= 254)),
    CONSTRAINT survey_frame_contact_name_check CHECK ((length(contact_name) <= 200)),
    CONSTRAINT survey_frame_contact_role_check CHECK ((length(contact_role) <= 200))
);

--
-- Name: survey_invitation; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.survey_invitation (
    id bigint NOT NULL,
    edition_id bigint NOT NULL,
    territory_id bigint NOT NULL,
    token_hash bytea NOT NULL,
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    status text DEFAULT 'invited'::text NOT NULL,
    reminded_at timestamp with time zone,
    CONSTRAINT survey_invitation_status_check CHECK ((status = ANY (ARRAY['invited'::text, 'started'::text, 'submitted'::text]))),
    CONSTRAINT survey_invitation_token_hash_check CHECK ((length(token_hash) = 32))
);

--
-- Name: survey_invitation_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.survey_invitation ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.survey_invitation_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: survey_response; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.survey_response (
    id bigint NOT NULL,
    edition_id bigint NOT NULL,
    territory_id bigint NOT NULL,
    answers jsonb DEFAULT '{}'::jsonb NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    status text DEFAULT 'draft'::text NOT NULL,
    prefilled_from bigint,
    publish boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    submitted_at timestamp with time zone,
    page_versions jsonb DEFAULT '{}'::jsonb NOT NULL,
    evidence_recorded_at timestamp with time zone,
    CONSTRAINT survey_response_check CHECK (((status = 'submitted'::text) = (submitted_at IS NOT NULL))),
    CONSTRAINT survey_response_page_versions_check CHECK ((jsonb_typeof(page_versions) = 'object'::text)),
    CONSTRAINT survey_response_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'submitted'::text]))),
    CONSTRAINT survey_response_version_check CHECK ((version >= 1))
);

--
-- Name: survey_response_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.survey_response ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.survey_response_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: territory_agent; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.territory_agent (
    user_id bigint NOT NULL,
    territory_id bigint NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    approved_by text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    decided_at timestamp with time zone,
    CONSTRAINT territory_agent_approved_by_check CHECK ((approved_by = ANY (ARRAY[''::text, 'email-domain'::text, 'moderator'::text]))),
    CONSTRAINT territory_agent_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'approved'::text, 'rejected'::text])))
);

--
-- Name: territory_domain; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.territory_domain (
    territory_id bigint NOT NULL,
    domain text NOT NULL,
    added_by bigint,
    added_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT territory_domain_domain_check CHECK (((domain ~ '^[a-z0-9.-]+\.[a-z]{2,}$'::text) AND (length(domain) <= 253)))
);

--
-- Name: territory_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.territory ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.territory_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: territory_website; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.territory_website (
    id bigint NOT NULL,
    territory_id bigint NOT NULL,
    url text NOT NULL,
    host text NOT NULL,
    status text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    source text NOT NULL,
    source_title text NOT NULL,
    source_url text DEFAULT ''::text NOT NULL,
    source_record text DEFAULT ''::text NOT NULL,
    listed_code text DEFAULT ''::text NOT NULL,
    licence text NOT NULL,
    first_listed date NOT NULL,
    last_listed date NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT territory_website_check CHECK ((last_listed >= first_listed)),
    CONSTRAINT territory_website_host_check CHECK (((length(host) >= 1) AND (length(host) <= 253))),
    CONSTRAINT territory_website_licence_check CHECK ((length(licence) <= 200)),
    CONSTRAINT territory_website_listed_code_check CHECK ((length(listed_code) <= 20)),
    CONSTRAINT territory_website_note_check CHECK ((length(note) <= 300)),
    CONSTRAINT territory_website_source_check CHECK (((length(source) >= 1) AND (length(source) <= 60))),
    CONSTRAINT territory_website_source_record_check CHECK ((length(source_record) <= 200)),
    CONSTRAINT territory_website_source_title_check CHECK ((length(source_title) <= 300)),
    CONSTRAINT territory_website_source_url_check CHECK ((length(source_url) <= 1000)),
    CONSTRAINT territory_website_status_check CHECK ((status = ANY (ARRAY['current'::text, 'former'::text]))),
    CONSTRAINT territory_website_url_check CHECK (((url ~ '^https?://'::text) AND (length(url) <= 1000)))
);

--
-- Name: territory_website_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.territory_website ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.territory_website_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: tool; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tool (
    id bigint NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    tagline_fr text DEFAULT ''::text NOT NULL,
    tagline_en text DEFAULT ''::text NOT NULL,
    description_fr text DEFAULT ''::text NOT NULL,
    description_en text DEFAULT ''::text NOT NULL,
    website text,
    source_repo text,
    licence text,
    open_source boolean,
    business_model text DEFAULT 'unknown'::text NOT NULL,
    hosting text DEFAULT 'unknown'::text NOT NULL,
    languages text[] DEFAULT '{}'::text[] NOT NULL,
    accessibility text DEFAULT 'unknown'::text NOT NULL,
    accessibility_url text,
    founded_year integer,
    lifecycle text DEFAULT 'unknown'::text NOT NULL,
    lifecycle_since date,
    lifecycle_reason text DEFAULT ''::text NOT NULL,
    vendor_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tool_accessibility_check CHECK ((accessibility = ANY (ARRAY['full'::text, 'partial'::text, 'none'::text, 'unknown'::text]))),
    CONSTRAINT tool_accessibility_url_check CHECK (((accessibility_url ~ '^https?://'::text) AND (length(accessibility_url) <= 500))),
    CONSTRAINT tool_business_model_check CHECK ((business_model = ANY (ARRAY['free'::text, 'freemium'::text, 'licence'::text, 'saas'::text, 'services'::text, 'unknown'::text]))),
    CONSTRAINT tool_description_en_check CHECK ((length(description_en) <= 5000)),
    CONSTRAINT tool_description_fr_check CHECK ((length(description_fr) <= 5000)),
    CONSTRAINT tool_founded_year_check CHECK (((founded_year >= 1980) AND (founded_year <= 2100))),
    CONSTRAINT tool_hosting_check CHECK ((hosting = ANY (ARRAY['france'::text, 'eu'::text, 'elsewhere'::text, 'unknown'::text]))),
    CONSTRAINT tool_licence_check CHECK ((length(licence) <= 100)),
    CONSTRAINT tool_lifecycle_check CHECK ((lifecycle = ANY (ARRAY['active'::text, 'dormant'::text, 'defunct'::text, 'unknown'::text]))),
    CONSTRAINT tool_lifecycle_reason_check CHECK ((length(lifecycle_reason) <= 500)),
    CONSTRAINT tool_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT tool_slug_check CHECK (((slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text) AND (length(slug) <= 80))),
    CONSTRAINT tool_source_repo_check CHECK (((source_repo ~ '^https?://'::text) AND (length(source_repo) <= 500))),
    CONSTRAINT tool_tagline_en_check CHECK ((length(tagline_en) <= 200)),
    CONSTRAINT tool_tagline_fr_check CHECK ((length(tagline_fr) <= 200)),
    CONSTRAINT tool_website_check CHECK (((website ~ '^https?://'::text) AND (length(website) <= 500)))
);

--
-- Name: tool_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tool ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.tool_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: tool_source; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tool_source (
    id bigint NOT NULL,
    tool_id bigint NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    url text,
    licence text DEFAULT ''::text NOT NULL,
    fields text[] DEFAULT '{}'::text[] NOT NULL,
    observed_on date,
    CONSTRAINT tool_source_kind_check CHECK ((kind = ANY (ARRAY['vendor-list'::text, 'public-catalogue'::text, 'crawler'::text, 'self-declared'::text, 'barometer'::text, 'curator'::text, 'vendor'::text, 'contributor'::text]))),
    CONSTRAINT tool_source_licence_check CHECK ((length(licence) <= 100)),
    CONSTRAINT tool_source_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT tool_source_url_check CHECK (((url ~ '^https?://'::text) AND (length(url) <= 1000)))
);

--
-- Name: tool_source_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tool_source ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.tool_source_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: user_session; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.user_session (
    token_hash bytea NOT NULL,
    user_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    seen_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT user_session_token_hash_check CHECK ((length(token_hash) = 32))
);

--
-- Name: vendor; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vendor (
    id bigint NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    kind text DEFAULT 'unknown'::text NOT NULL,
    siren text,
    country text,
    website text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT vendor_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT vendor_kind_check CHECK ((kind = ANY (ARRAY['startup'::text, 'company'::text, 'association'::text, 'cooperative'::text, 'public-body'::text, 'community'::text, 'unknown'::text]))),
    CONSTRAINT vendor_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT vendor_siren_check CHECK ((siren ~ '^[0-9]{9}$'::text)),
    CONSTRAINT vendor_slug_check CHECK (((slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text) AND (length(slug) <= 80))),
    CONSTRAINT vendor_website_check CHECK (((website ~ '^https?://'::text) AND (length(website) <= 500)))
);

--
-- Name: vendor_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.vendor ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.vendor_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: vendor_member; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vendor_member (
    user_id bigint NOT NULL,
    vendor_id bigint NOT NULL,
    verified_by text NOT NULL,
    domain text DEFAULT ''::text NOT NULL,
    granted_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT vendor_member_domain_check CHECK ((length(domain) <= 253)),
    CONSTRAINT vendor_member_verified_by_check CHECK ((verified_by = ANY (ARRAY['meta'::text, 'dns'::text, 'moderator'::text])))
);

--
-- Name: website_unlinked; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.website_unlinked (
    id bigint NOT NULL,
    source text NOT NULL,
    record text NOT NULL,
    value text DEFAULT ''::text NOT NULL,
    reason text NOT NULL,
    CONSTRAINT website_unlinked_reason_check CHECK (((length(reason) >= 1) AND (length(reason) <= 300))),
    CONSTRAINT website_unlinked_record_check CHECK (((length(record) >= 1) AND (length(record) <= 300))),
    CONSTRAINT website_unlinked_source_check CHECK (((length(source) >= 1) AND (length(source) <= 60))),
    CONSTRAINT website_unlinked_value_check CHECK ((length(value) <= 1000))
);

--
-- Name: website_unlinked_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.website_unlinked ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.website_unlinked_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: adoption adoption_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adoption
    ADD CONSTRAINT adoption_pkey PRIMARY KEY (id);

--
-- Name: api_token api_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_hash_key UNIQUE (hash);

--
-- Name: api_token api_token_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_pkey PRIMARY KEY (id);

--
-- Name: app_user app_user_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user
    ADD CONSTRAINT app_user_pkey PRIMARY KEY (id);

--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);

--
-- Name: barometer_results barometer_results_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.barometer_results
    ADD CONSTRAINT barometer_results_pkey PRIMARY KEY (edition_id);

--
-- Name: category category_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.category
    ADD CONSTRAINT category_pkey PRIMARY KEY (slug);

--
-- Name: category category_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.category
    ADD CONSTRAINT category_position_key UNIQUE ("position");

--
-- Name: crawl_finding crawl_finding_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_finding
    ADD CONSTRAINT crawl_finding_pkey PRIMARY KEY (id);

--
-- Name: crawl_finding crawl_finding_run_id_instance_url_platform_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_finding
    ADD CONSTRAINT crawl_finding_run_id_instance_url_platform_key UNIQUE (run_id, instance_url, platform);

--
-- Name: crawl_host crawl_host_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_host
    ADD CONSTRAINT crawl_host_pkey PRIMARY KEY (host);

--
-- Name: crawl_page crawl_page_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_page
    ADD CONSTRAINT crawl_page_pkey PRIMARY KEY (id);

--
-- Name: crawl_proposal crawl_proposal_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_proposal
    ADD CONSTRAINT crawl_proposal_pkey PRIMARY KEY (id);

--
-- Name: crawl_proposal crawl_proposal_source_kind_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_proposal
    ADD CONSTRAINT crawl_proposal_source_kind_key_key UNIQUE (source, kind, key);

--
-- Name: crawl_queue crawl_queue_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_queue
    ADD CONSTRAINT crawl_queue_pkey PRIMARY KEY (id);

--
-- Name: crawl_queue crawl_queue_run_id_url_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_queue
    ADD CONSTRAINT crawl_queue_run_id_url_key UNIQUE (run_id, url);

--
-- Name: crawl_run crawl_run_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_run
    ADD CONSTRAINT crawl_run_pkey PRIMARY KEY (id);

--
-- Name: crawl_site crawl_site_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_site
    ADD CONSTRAINT crawl_site_pkey PRIMARY KEY (id);

--
-- Name: crawl_site crawl_site_territory_id_url_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_site
    ADD CONSTRAINT crawl_site_territory_id_url_key UNIQUE (territory_id, url);

--
-- Name: evidence evidence_adoption_id_source_name_fingerprint_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.evidence
    ADD CONSTRAINT evidence_adoption_id_source_name_fingerprint_key UNIQUE (adoption_id, source_name, fingerprint);

--
-- Name: evidence evidence_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.evidence
    ADD CONSTRAINT evidence_pkey PRIMARY KEY (id);

--
-- Name: listing_claim listing_claim_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.listing_claim
    ADD CONSTRAINT listing_claim_pkey PRIMARY KEY (id);

--
-- Name: listing_claim listing_claim_user_id_tool_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.listing_claim
    ADD CONSTRAINT listing_claim_user_id_tool_id_key UNIQUE (user_id, tool_id);

--
-- Name: liveness_check liveness_check_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.liveness_check
    ADD CONSTRAINT liveness_check_pkey PRIMARY KEY (id);

--
-- Name: liveness_target liveness_target_kind_ref_url_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.liveness_target
    ADD CONSTRAINT liveness_target_kind_ref_url_key UNIQUE (kind, ref, url);

--
-- Name: liveness_target liveness_target_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.liveness_target
    ADD CONSTRAINT liveness_target_pkey PRIMARY KEY (id);

--
-- Name: login_throttle login_throttle_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.login_throttle
    ADD CONSTRAINT login_throttle_pkey PRIMARY KEY (key);

--
-- Name: mail_outbox mail_outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mail_outbox
    ADD CONSTRAINT mail_outbox_pkey PRIMARY KEY (id);

--
-- Name: organisation organisation_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisation
    ADD CONSTRAINT organisation_pkey PRIMARY KEY (id);

--
-- Name: organisation organisation_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisation
    ADD CONSTRAINT organisation_slug_key UNIQUE (slug);

--
-- Name: password_reset password_reset_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.password_reset
    ADD CONSTRAINT password_reset_pkey PRIMARY KEY (token_hash);

--
-- Name: proposal proposal_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposal
    ADD CONSTRAINT proposal_pkey PRIMARY KEY (id);

--
-- Name: report_refresh report_refresh_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_refresh
    ADD CONSTRAINT report_refresh_pkey PRIMARY KEY (name);

--
-- Name: report_release report_release_dataset_version_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_release
    ADD CONSTRAINT report_release_dataset_version_key UNIQUE (dataset, version);

--
-- Name: report_release_file report_release_file_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_release_file
    ADD CONSTRAINT report_release_file_pkey PRIMARY KEY (release_id, name);

--
-- Name: report_release report_release_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_release
    ADD CONSTRAINT report_release_pkey PRIMARY KEY (id);

--
-- Name: revision revision_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.revision
    ADD CONSTRAINT revision_pkey PRIMARY KEY (id);

--
-- Name: search_cursor search_cursor_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.search_cursor
    ADD CONSTRAINT search_cursor_pkey PRIMARY KEY (name);

--
-- Name: search_document search_document_doc_no_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.search_document
    ADD CONSTRAINT search_document_doc_no_key UNIQUE (doc_no);

--
-- Name: search_document search_document_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.search_document
    ADD CONSTRAINT search_document_pkey PRIMARY KEY (id);

--
-- Name: search_word search_word_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.search_word
    ADD CONSTRAINT search_word_pkey PRIMARY KEY (word);

--
-- Name: survey_edition survey_edition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_edition
    ADD CONSTRAINT survey_edition_pkey PRIMARY KEY (id);

--
-- Name: survey_edition survey_edition_preview_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_edition
    ADD CONSTRAINT survey_edition_preview_token_hash_key UNIQUE (preview_token_hash);

--
-- Name: survey_edition survey_edition_year_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_edition
    ADD CONSTRAINT survey_edition_year_key UNIQUE (year);

--
-- Name: survey_form survey_form_form_id_version_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_form
    ADD CONSTRAINT survey_form_form_id_version_key UNIQUE (form_id, version);

--
-- Name: survey_form survey_form_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_form
    ADD CONSTRAINT survey_form_pkey PRIMARY KEY (id);

--
-- Name: survey_frame survey_frame_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_frame
    ADD CONSTRAINT survey_frame_pkey PRIMARY KEY (edition_id, territory_id);

--
-- Name: survey_invitation survey_invitation_edition_id_territory_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_invitation
    ADD CONSTRAINT survey_invitation_edition_id_territory_id_key UNIQUE (edition_id, territory_id);

--
-- Name: survey_invitation survey_invitation_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_invitation
    ADD CONSTRAINT survey_invitation_pkey PRIMARY KEY (id);

--
-- Name: survey_invitation survey_invitation_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_invitation
    ADD CONSTRAINT survey_invitation_token_hash_key UNIQUE (token_hash);

--
-- Name: survey_response survey_response_edition_id_territory_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_response
    ADD CONSTRAINT survey_response_edition_id_territory_id_key UNIQUE (edition_id, territory_id);

--
-- Name: survey_response survey_response_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_response
    ADD CONSTRAINT survey_response_pkey PRIMARY KEY (id);

--
-- Name: territory_agent territory_agent_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory_agent
    ADD CONSTRAINT territory_agent_pkey PRIMARY KEY (user_id, territory_id);

--
-- Name: territory_domain territory_domain_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory_domain
    ADD CONSTRAINT territory_domain_pkey PRIMARY KEY (territory_id, domain);

--
-- Name: territory territory_kind_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory
    ADD CONSTRAINT territory_kind_code_key UNIQUE (kind, code);

--
-- Name: territory territory_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory
    ADD CONSTRAINT territory_pkey PRIMARY KEY (id);

--
-- Name: territory_website territory_website_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory_website
    ADD CONSTRAINT territory_website_pkey PRIMARY KEY (id);

--
-- Name: territory_website territory_website_territory_id_host_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory_website
    ADD CONSTRAINT territory_website_territory_id_host_key UNIQUE (territory_id, host);

--
-- Name: tool_category tool_category_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tool_category
    ADD CONSTRAINT tool_category_pkey PRIMARY KEY (tool_id, category);

--
-- Name: tool tool_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tool
    ADD CONSTRAINT tool_pkey PRIMARY KEY (id);

--
-- Name: tool tool_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tool
    ADD CONSTRAINT tool_slug_key UNIQUE (slug);

--
-- Name: tool_source tool_source_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tool_source
    ADD CONSTRAINT tool_source_pkey PRIMARY KEY (id);

--
-- Name: tool_source tool_source_tool_id_name_url_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tool_source
    ADD CONSTRAINT tool_source_tool_id_name_url_key UNIQUE (tool_id, name, url);

--
-- Name: user_session user_session_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_session
    ADD CONSTRAINT user_session_pkey PRIMARY KEY (token_hash);

--
-- Name: vendor_member vendor_member_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vendor_member
    ADD CONSTRAINT vendor_member_pkey PRIMARY KEY (user_id, vendor_id);

--
-- Name: vendor vendor_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vendor
    ADD CONSTRAINT vendor_pkey PRIMARY KEY (id);

--
-- Name: vendor vendor_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vendor
    ADD CONSTRAINT vendor_slug_key UNIQUE (slug);

--
-- Name: website_unlinked website_unlinked_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.website_unlinked
    ADD CONSTRAINT website_unlinked_pkey PRIMARY KEY (id);

--
-- Name: website_unlinked website_unlinked_source_record_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.website_unlinked
    ADD CONSTRAINT website_unlinked_source_record_key UNIQUE (source, record);

--
-- Name: adoption_attested_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX adoption_attested_idx ON public.adoption USING btree (attested_first, attested_last);

--
-- Name: adoption_identity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX adoption_identity_idx ON public.adoption USING btree (tool_id, COALESCE(territory_id, (0)::bigint), COALESCE(organisation_id, (0)::bigint), instance_key);

--
-- Name: adoption_organisation_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX adoption_organisation_idx ON public.adoption USING btree (organisation_id) WHERE (organisation_id IS NOT NULL);

--
-- Name: adoption_territory_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX adoption_territory_idx ON public.adoption USING btree (territory_id, tool_id) WHERE (territory_id IS NOT NULL);

--
-- Name: adoption_tool_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX adoption_tool_idx ON public.adoption USING btree (tool_id, id);

--
-- Name: api_token_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_token_user_idx ON public.api_token USING btree (user_id) WHERE (user_id IS NOT NULL);

--
-- Name: app_user_email_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX app_user_email_idx ON public.app_user USING btree (email) WHERE (email IS NOT NULL);

--
-- Name: audit_log_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_created_idx ON public.audit_log USING btree (created_at DESC, id DESC);

--
-- Name: crawl_finding_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX crawl_finding_pending_idx ON public.crawl_finding USING btree (found_at, id) WHERE (status = 'pending'::text);

--
-- Name: crawl_page_run_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX crawl_page_run_idx ON public.crawl_page USING btree (run_id);

--
-- Name: crawl_page_url_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX crawl_page_url_idx ON public.crawl_page USING btree (url, fetched_at DESC);

--
-- Name: crawl_proposal_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX crawl_proposal_pending_idx ON public.crawl_proposal USING btree (first_seen, id) WHERE (status = 'pending'::text);

--
-- Name: crawl_queue_claim_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX crawl_queue_claim_idx ON public.crawl_queue USING btree (run_id, depth, id) WHERE open;

--
-- Name: liveness_check_target_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX liveness_check_target_idx ON public.liveness_check USING btree (target_id, checked_at DESC);

--
-- Name: login_throttle_window_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_throttle_window_idx ON public.login_throttle USING btree (window_start);

--
-- Name: password_reset_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX password_reset_user_idx ON public.password_reset USING btree (user_id);

--
-- Name: proposal_entity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX proposal_entity_idx ON public.proposal USING btree (entity, entity_id);

--
-- Name: proposal_queue_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX proposal_queue_idx ON public.proposal USING btree (created_at, id) WHERE (status = 'pending'::text);

--
-- Name: proposal_submitter_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX proposal_submitter_idx ON public.proposal USING btree (submitter_id, created_at);

--
-- Name: report_adoption_departement_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX report_adoption_departement_idx ON public.report_adoption USING btree (departement, category);

--
-- Name: report_adoption_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX report_adoption_id_idx ON public.report_adoption USING btree (adoption_id);

--
-- Name: report_adoption_place_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX report_adoption_place_key ON public.report_adoption_place USING btree (year, category, adopter_kind, bracket, departement, region);

--
-- Name: report_adoption_region_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX report_adoption_region_idx ON public.report_adoption USING btree (region, category);

--
-- Name: report_adoption_region_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX report_adoption_region_key ON public.report_adoption_region USING btree (year, category, adopter_kind, bracket, region);

--
-- Name: report_adoption_share_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX report_adoption_share_key ON public.report_adoption_share USING btree (tool_id, category);

--
-- Name: report_adoption_time_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX report_adoption_time_key ON public.report_adoption_time USING btree (year, end_year, status, tool_id, category);

--
-- Name: report_adoption_time_tool_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX report_adoption_time_tool_idx ON public.report_adoption_time USING btree (tool_id);

--
-- Name: report_adoption_tool_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX report_adoption_tool_idx ON public.report_adoption USING btree (tool_id);

--
-- Name: report_adoption_year_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX report_adoption_year_key ON public.report_adoption_year USING btree (year, end_year, status, category);

--
-- Name: report_territory_label_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX report_territory_label_idx ON public.territory USING btree (kind, code) INCLUDE (name) WHERE (kind = ANY (ARRAY['region'::text, 'departement'::text]));

--
-- Name: report_tool_share_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX report_tool_share_key ON public.report_tool_share USING btree (category, rank);

--
-- Name: report_tool_share_rank_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX report_tool_share_rank_idx ON public.report_tool_share USING btree (rank, category);

--
-- Name: revision_entity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX revision_entity_idx ON public.revision USING btree (entity, entity_id, id);

--
-- Name: search_document_adopters_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX search_document_adopters_idx ON public.search_document USING btree (adopters DESC, name_sort);

--
-- Name: search_document_facets_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX search_document_facets_idx ON public.search_document USING gin (facets);

--
-- Name: search_document_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX search_document_name_idx ON public.search_document USING btree (name_sort COLLATE "C");

--
-- Name: search_document_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX search_document_name_trgm_idx ON public.search_document USING gin (name_sort public.gin_trgm_ops);

--
-- Name: search_document_seq_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX search_document_seq_idx ON public.search_document USING btree (seq);

--
-- Name: search_document_updated_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX search_document_updated_idx ON public.search_document USING btree (updated_at DESC);

--
-- Name: search_tombstone_seq_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX search_tombstone_seq_idx ON public.search_tombstone USING btree (seq);

--
-- Name: territory_agent_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX territory_agent_pending_idx ON public.territory_agent USING btree (created_at) WHERE (status = 'pending'::text);

--
-- Name: territory_departement_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX territory_departement_idx ON public.territory USING btree (departement_code) WHERE (kind = 'commune'::text);

--
-- Name: territory_domain_domain_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX territory_domain_domain_idx ON public.territory_domain USING btree (domain);

--
-- Name: territory_epci_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX territory_epci_idx ON public.territory USING btree (epci_code) WHERE (kind = 'commune'::text);

--
-- Name: territory_name_norm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX territory_name_norm_idx ON public.territory USING btree (name_norm text_pattern_ops);

--
-- Name: territory_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX territory_name_trgm_idx ON public.territory USING gin (name_norm public.gin_trgm_ops);

--
-- Name: territory_siren_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX territory_siren_idx ON public.territory USING btree (siren);

--
-- Name: territory_website_current_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX territory_website_current_idx ON public.territory_website USING btree (territory_id) WHERE (status = 'current'::text);

--
-- Name: territory_website_host_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX territory_website_host_idx ON public.territory_website USING btree (host);

--
-- Name: tool_category_category_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tool_category_category_idx ON public.tool_category USING btree (category, tool_id);

--
-- Name: tool_vendor_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tool_vendor_idx ON public.tool USING btree (vendor_id);

--
-- Name: user_session_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX user_session_expiry_idx ON public.user_session USING btree (expires_at);

--
-- Name: user_session_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX user_session_user_idx ON public.user_session USING btree (user_id);

--
-- Name: audit_log audit_log_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.audit_log_append_only();

--
-- Name: survey_edition barometer_results_edition; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER barometer_results_edition AFTER UPDATE OF year, title, form_id, status, disclosure_k, disclosure_min_units, disclosure_dominance ON public.survey_edition FOR EACH ROW EXECUTE FUNCTION public.barometer_results_forget_edition();

--
-- Name: survey_form barometer_results_form; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER barometer_results_form AFTER DELETE OR UPDATE ON public.survey_form FOR EACH STATEMENT EXECUTE FUNCTION public.barometer_results_forget_all();

--
-- Name: survey_response barometer_results_response_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER barometer_results_response_delete AFTER DELETE ON public.survey_response REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.barometer_results_forget_responses();

--
-- Name: survey_response barometer_results_response_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER barometer_results_response_insert AFTER INSERT ON public.survey_response REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.barometer_results_forget_responses();

--
-- Name: survey_response barometer_results_response_update_new; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER barometer_results_response_update_new AFTER UPDATE ON public.survey_response REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.barometer_results_forget_responses();

--
-- Name: survey_response barometer_results_response_update_old; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER barometer_results_response_update_old AFTER UPDATE ON public.survey_response REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.barometer_results_forget_responses();

--
-- Name: territory barometer_results_territory; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER barometer_results_territory AFTER INSERT OR DELETE OR UPDATE OF kind, name, population, region_code ON public.territory FOR EACH STATEMENT EXECUTE FUNCTION public.barometer_results_forget_all();

--
-- Name: proposal proposal_within_caps; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER proposal_within_caps BEFORE INSERT ON public.proposal FOR EACH ROW EXECUTE FUNCTION public.proposal_within_caps('10', '40');

--
-- Name: report_release_file report_release_file_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER report_release_file_immutable BEFORE DELETE OR UPDATE ON public.report_release_file FOR EACH ROW EXECUTE FUNCTION public.report_release_immutable();

--
-- Name: report_release report_release_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER report_release_immutable BEFORE DELETE OR UPDATE ON public.report_release FOR EACH ROW EXECUTE FUNCTION public.report_release_immutable();

--
-- Name: revision revision_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER revision_append_only BEFORE DELETE OR UPDATE ON public.revision FOR EACH ROW EXECUTE FUNCTION public.revision_append_only();

--
-- Name: adoption adoption_category_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adoption
    ADD CONSTRAINT adoption_category_fkey FOREIGN KEY (category) REFERENCES public.category(slug);

--
-- Name: adoption adoption_organisation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adoption
    ADD CONSTRAINT adoption_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES public.organisation(id) ON DELETE RESTRICT;

--
-- Name: adoption adoption_territory_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adoption
    ADD CONSTRAINT adoption_territory_id_fkey FOREIGN KEY (territory_id) REFERENCES public.territory(id) ON DELETE RESTRICT;

--
-- Name: adoption adoption_tool_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adoption
    ADD CONSTRAINT adoption_tool_id_fkey FOREIGN KEY (tool_id) REFERENCES public.tool(id) ON DELETE RESTRICT;

--
-- Name: api_token api_token_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id) ON DELETE CASCADE;

--
-- Name: audit_log audit_log_actor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.app_user(id) ON DELETE RESTRICT;

--
-- Name: audit_log audit_log_proposal_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_proposal_id_fkey FOREIGN KEY (proposal_id) REFERENCES public.proposal(id) ON DELETE RESTRICT;

--
-- Name: barometer_results barometer_results_edition_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.barometer_results
    ADD CONSTRAINT barometer_results_edition_id_fkey FOREIGN KEY (edition_id) REFERENCES public.survey_edition(id) ON DELETE CASCADE;

--
-- Name: crawl_finding crawl_finding_page_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_finding
    ADD CONSTRAINT crawl_finding_page_id_fkey FOREIGN KEY (page_id) REFERENCES public.crawl_page(id) ON DELETE SET NULL;

--
-- Name: crawl_finding crawl_finding_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_finding
    ADD CONSTRAINT crawl_finding_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.crawl_run(id) ON DELETE SET NULL;

--
-- Name: crawl_finding crawl_finding_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_finding
    ADD CONSTRAINT crawl_finding_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.crawl_site(id) ON DELETE SET NULL;

--
-- Name: crawl_finding crawl_finding_territory_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_finding
    ADD CONSTRAINT crawl_finding_territory_id_fkey FOREIGN KEY (territory_id) REFERENCES public.territory(id) ON DELETE SET NULL;

--
-- Name: crawl_page crawl_page_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_page
    ADD CONSTRAINT crawl_page_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.crawl_run(id) ON DELETE SET NULL;

--
-- Name: crawl_queue crawl_queue_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_queue
    ADD CONSTRAINT crawl_queue_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.crawl_run(id) ON DELETE CASCADE;

--
-- Name: crawl_queue crawl_queue_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_queue
    ADD CONSTRAINT crawl_queue_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.crawl_site(id) ON DELETE SET NULL;

--
-- Name: crawl_site crawl_site_territory_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crawl_site
    ADD CONSTRAINT crawl_site_territory_id_fkey FOREIGN KEY (territory_id) REFERENCES public.territory(id) ON DELETE CASCADE;

--
-- Name: evidence evidence_adoption_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.evidence
    ADD CONSTRAINT evidence_adoption_id_fkey FOREIGN KEY (adoption_id) REFERENCES public.adoption(id) ON DELETE CASCADE;

--
-- Name: listing_claim listing_claim_tool_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.listing_claim
    ADD CONSTRAINT listing_claim_tool_id_fkey FOREIGN KEY (tool_id) REFERENCES public.tool(id) ON DELETE CASCADE;

--
-- Name: listing_claim listing_claim_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.listing_claim
    ADD CONSTRAINT listing_claim_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id) ON DELETE CASCADE;

--
-- Name: liveness_check liveness_check_target_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.liveness_check
    ADD CONSTRAINT liveness_check_target_id_fkey FOREIGN KEY (target_id) REFERENCES public.liveness_target(id) ON DELETE CASCADE;

--
-- Name: password_reset password_reset_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.password_reset
    ADD CONSTRAINT password_reset_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id) ON DELETE CASCADE;

--
-- Name: proposal proposal_decided_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposal
    ADD CONSTRAINT proposal_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES public.app_user(id) ON DELETE RESTRICT;

--
-- Name: proposal proposal_reverted_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposal
    ADD CONSTRAINT proposal_reverted_by_fkey FOREIGN KEY (reverted_by) REFERENCES public.app_user(id) ON DELETE RESTRICT;

--
-- Name: proposal proposal_submitter_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.proposal
    ADD CONSTRAINT proposal_submitter_id_fkey FOREIGN KEY (submitter_id) REFERENCES public.app_user(id) ON DELETE RESTRICT;

--
-- Name: report_release_file report_release_file_release_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_release_file
    ADD CONSTRAINT report_release_file_release_id_fkey FOREIGN KEY (release_id) REFERENCES public.report_release(id) ON DELETE RESTRICT;

--
-- Name: survey_edition survey_edition_form_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_edition
    ADD CONSTRAINT survey_edition_form_id_fkey FOREIGN KEY (form_id) REFERENCES public.survey_form(id);

--
-- Name: survey_frame survey_frame_edition_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_frame
    ADD CONSTRAINT survey_frame_edition_id_fkey FOREIGN KEY (edition_id) REFERENCES public.survey_edition(id) ON DELETE CASCADE;

--
-- Name: survey_frame survey_frame_territory_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_frame
    ADD CONSTRAINT survey_frame_territory_id_fkey FOREIGN KEY (territory_id) REFERENCES public.territory(id);

--
-- Name: survey_invitation survey_invitation_edition_id_territory_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_invitation
    ADD CONSTRAINT survey_invitation_edition_id_territory_id_fkey FOREIGN KEY (edition_id, territory_id) REFERENCES public.survey_frame(edition_id, territory_id) ON DELETE CASCADE;

--
-- Name: survey_response survey_response_edition_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_response
    ADD CONSTRAINT survey_response_edition_id_fkey FOREIGN KEY (edition_id) REFERENCES public.survey_edition(id) ON DELETE CASCADE;

--
-- Name: survey_response survey_response_prefilled_from_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_response
    ADD CONSTRAINT survey_response_prefilled_from_fkey FOREIGN KEY (prefilled_from) REFERENCES public.survey_response(id) ON DELETE SET NULL;

--
-- Name: survey_response survey_response_territory_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.survey_response
    ADD CONSTRAINT survey_response_territory_id_fkey FOREIGN KEY (territory_id) REFERENCES public.territory(id);

--
-- Name: territory_agent territory_agent_territory_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory_agent
    ADD CONSTRAINT territory_agent_territory_id_fkey FOREIGN KEY (territory_id) REFERENCES public.territory(id) ON DELETE CASCADE;

--
-- Name: territory_agent territory_agent_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory_agent
    ADD CONSTRAINT territory_agent_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id) ON DELETE CASCADE;

--
-- Name: territory_domain territory_domain_added_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory_domain
    ADD CONSTRAINT territory_domain_added_by_fkey FOREIGN KEY (added_by) REFERENCES public.app_user(id) ON DELETE SET NULL;

--
-- Name: territory_domain territory_domain_territory_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory_domain
    ADD CONSTRAINT territory_domain_territory_id_fkey FOREIGN KEY (territory_id) REFERENCES public.territory(id) ON DELETE CASCADE;

--
-- Name: territory_website territory_website_territory_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.territory_website
    ADD CONSTRAINT territory_website_territory_id_fkey FOREIGN KEY (territory_id) REFERENCES public.territory(id) ON DELETE CASCADE;

--
-- Name: tool_category tool_category_category_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tool_category
    ADD CONSTRAINT tool_category_category_fkey FOREIGN KEY (category) REFERENCES public.category(slug);

--
-- Name: tool_category tool_category_tool_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tool_category
    ADD CONSTRAINT tool_category_tool_id_fkey FOREIGN KEY (tool_id) REFERENCES public.tool(id) ON DELETE CASCADE;

--
-- Name: tool_source tool_source_tool_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tool_source
    ADD CONSTRAINT tool_source_tool_id_fkey FOREIGN KEY (tool_id) REFERENCES public.tool(id) ON DELETE CASCADE;

--
-- Name: tool tool_vendor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tool
    ADD CONSTRAINT tool_vendor_id_fkey FOREIGN KEY (vendor_id) REFERENCES public.vendor(id) ON DELETE RESTRICT;

--
-- Name: user_session user_session_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_session
    ADD CONSTRAINT user_session_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id) ON DELETE CASCADE;

--
-- Name: vendor_member vendor_member_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vendor_member
    ADD CONSTRAINT vendor_member_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id) ON DELETE CASCADE;

--
-- Name: vendor_member vendor_member_vendor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vendor_member
    ADD CONSTRAINT vendor_member_vendor_id_fkey FOREIGN KEY (vendor_id) REFERENCES public.vendor(id) ON DELETE CASCADE;

--
-- PostgreSQL database dump complete
--

