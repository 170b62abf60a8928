-- +goose Up
-- What each piece of evidence's date means, and the span it covers: a
-- daily census sees an instance from its first to its last answer, a list
-- attests it once at the date of its snapshot. An observation date is never
-- a start or an end: those stay in started_on / ended_on, which only a
-- source that states them may set.
ALTER TABLE evidence
    ADD COLUMN date_meaning text NOT NULL DEFAULT 'observation'
        CHECK (date_meaning IN ('observation', 'consultation', 'source-snapshot')),
    -- The last day of the span observed_at opens; NULL for a single observation.
    ADD COLUMN observed_until timestamptz,
    ADD CONSTRAINT evidence_span_ordered CHECK (observed_until IS NULL OR observed_until >= observed_at);

-- The first and last dates any evidence attests the adoption, kept by the
-- directory code in the transaction that writes the evidence.
ALTER TABLE adoption
    ADD COLUMN attested_first date,
    ADD COLUMN attested_last date,
    ADD CONSTRAINT adoption_attested_ordered CHECK (attested_first IS NULL OR attested_last >= attested_first);

-- Lists date their entries by the commit they were copied at; Etalab's
-- catalogue by the day of the consultation.
UPDATE evidence SET date_meaning = 'source-snapshot' WHERE source_kind = 'vendor-list';
UPDATE evidence SET date_meaning = 'consultation' WHERE source_name = 'consultation.gouv.fr (Etalab)';

UPDATE adoption a SET attested_first = s.first, attested_last = s.last
FROM (SELECT adoption_id, min(observed_at)::date AS first, max(coalesce(observed_until, observed_at))::date AS last
      FROM evidence GROUP BY adoption_id) s
WHERE s.adoption_id = a.id;

CREATE INDEX adoption_attested_idx ON adoption (attested_first, attested_last);

-- +goose Down
DROP INDEX adoption_attested_idx;
ALTER TABLE adoption DROP CONSTRAINT adoption_attested_ordered, DROP COLUMN attested_last, DROP COLUMN attested_first;
ALTER TABLE evidence DROP CONSTRAINT evidence_span_ordered, DROP COLUMN observed_until, DROP COLUMN date_meaning;
