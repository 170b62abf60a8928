-- +goose Up
-- Login throttling, decided inside PostgreSQL so that concurrent attempts
-- cannot all read "under the limit" before any failure is written. A key is
-- an account and address pair, an address, or an account. Every attempt
-- counts until it succeeds; past the limit the key is blocked, each block in
-- a row twice as long as the one before, up to a cap.
CREATE TABLE login_throttle (
    key           text PRIMARY KEY CHECK (length(key) <= 400),
    attempts      int NOT NULL DEFAULT 0,
    window_start  timestamptz NOT NULL DEFAULT now(),
    blocks        int NOT NULL DEFAULT 0,
    blocked_until timestamptz
);
CREATE INDEX login_throttle_window_idx ON login_throttle (window_start);

-- login_attempt takes one attempt for key and returns how many seconds the
-- caller must wait, 0 when it may check the password now. The row lock
-- makes concurrent attempts on one key take their turn.
-- +goose StatementBegin
CREATE FUNCTION login_attempt(k text, lim int, win interval, backoff interval, cap interval)
RETURNS double precision LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd

DROP TABLE login_failure;

-- +goose Down
CREATE TABLE login_failure (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key       text NOT NULL CHECK (length(key) <= 300),
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_key_idx ON login_failure (key, failed_at);
DROP FUNCTION login_attempt;
DROP TABLE login_throttle;
