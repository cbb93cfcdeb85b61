-- migrate:test before=schema:20260102120000 after=schema:20260103120000
-- Two users whose addresses differ only in case: the unique index cannot be built.
INSERT INTO users (id, email, email_lower) VALUES (1, 'Ann@Example.com', 'ann@example.com'),
                                                  (2, 'ann@example.com', 'ann@example.com');
-- migrate:apply
-- The migration's error is part of the expected output; nothing of it stayed.
SELECT version, state FROM migrate.status() WHERE version = '20260103120000';
SELECT count(*) FROM users;
