-- +goose Up
-- A token may act for a user account: write tokens must, because what they
-- send goes to moderation as that user's contributions (with the account's
-- rate limits, vendor memberships and trust). Admin tokens may; read tokens
-- need not. Deleting the user row removes its tokens; an account erased
-- under the GDPR (deleted_at set, row kept) stops authenticating, see
-- token.Authenticate.
ALTER TABLE api_token ADD COLUMN user_id bigint REFERENCES app_user (id) ON DELETE CASCADE;
ALTER TABLE api_token ADD CONSTRAINT api_token_write_has_user CHECK (scope <> 'write' OR user_id IS NOT NULL);
CREATE INDEX api_token_user_idx ON api_token (user_id) WHERE user_id IS NOT NULL;

-- +goose Down
DROP INDEX api_token_user_idx;
ALTER TABLE api_token DROP CONSTRAINT api_token_write_has_user;
ALTER TABLE api_token DROP COLUMN user_id;
