-- +goose Up
-- The secret a message carries (a reset link's token), so that the admins'
-- outbox and the log can show that it was sent without showing it. Once the
-- message is delivered, the secret is masked in the stored body too.
ALTER TABLE mail_outbox ADD COLUMN secret text NOT NULL DEFAULT '' CHECK (length(secret) <= 500);

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN secret;
