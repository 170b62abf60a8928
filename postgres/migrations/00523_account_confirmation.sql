-- +goose Up
-- Sign-up from the web confirms the address by mail before the account can
-- log in, so that the form can answer alike whether or not the address
-- already has an account. Accounts made before, or by `users create`, are
-- confirmed.
ALTER TABLE app_user ADD COLUMN confirmed_at timestamptz DEFAULT now();
-- Mailed single-use tokens: a password reset or an address confirmation.
ALTER TABLE password_reset ADD COLUMN purpose text NOT NULL DEFAULT 'reset'
    CHECK (purpose IN ('reset', 'confirm'));

-- +goose Down
ALTER TABLE password_reset DROP COLUMN purpose;
ALTER TABLE app_user DROP COLUMN confirmed_at;
