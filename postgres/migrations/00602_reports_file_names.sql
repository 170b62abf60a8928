-- +goose Up
-- R scripts end in .R: allow upper case in release file names.
ALTER TABLE report_release_file DROP CONSTRAINT report_release_file_name_check;
ALTER TABLE report_release_file ADD CONSTRAINT report_release_file_name_check
    CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$');

-- +goose Down
ALTER TABLE report_release_file DROP CONSTRAINT report_release_file_name_check;
ALTER TABLE report_release_file ADD CONSTRAINT report_release_file_name_check
    CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,120}$');
