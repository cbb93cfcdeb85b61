-- migrate:test before=schema:20260101120000 after=schema:20260102120000
-- Seed rows as they are before the data migration ...
INSERT INTO users (id, email) VALUES (1, 'Ann@Example.com'), (2, 'bob@example.com');
-- migrate:apply
-- ... and what the migration made of them.
SELECT id, email, email_lower FROM users ORDER BY id;
