-- Data migration of the responses schema: the pilot wave. Its answers refer
-- to the demographic questions, so it requires that data migration.
-- migrate:requires schema:0002, questions:0001
-- migrate:up
INSERT INTO responses.waves (name, fielded_on) VALUES ('pilot', '2026-01-15');
INSERT INTO responses.answers (wave_id, respondent, question_code, answer)
SELECT w.id, r, q.code, q.options[1 + (r % array_length(q.options, 1))]
FROM responses.waves w, generate_series(1, 50) AS r, questions.questions q
WHERE w.name = 'pilot' AND q.code LIKE 'DEM\_%';

-- migrate:down
DELETE FROM responses.answers WHERE wave_id = (SELECT id FROM responses.waves WHERE name = 'pilot');
DELETE FROM responses.waves WHERE name = 'pilot';

-- migrate:verify
SELECT count(*) = 150 FROM responses.answers a JOIN responses.waves w ON w.id = a.wave_id WHERE w.name = 'pilot';
