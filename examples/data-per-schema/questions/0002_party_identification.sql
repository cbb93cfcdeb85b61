-- Data migration of the questions schema: the party identification battery.
-- migrate:up
INSERT INTO questions.batteries (name, prefix) VALUES ('party_identification', 'PID');
INSERT INTO questions.questions (battery_id, code, label, options)
SELECT b.id, 'PID_PARTY', 'Which party do you feel closest to?', ARRAY['left', 'centre', 'right', 'none']
FROM questions.batteries b
WHERE b.name = 'party_identification';

-- migrate:down
DELETE FROM questions.questions
WHERE battery_id = (SELECT id FROM questions.batteries WHERE name = 'party_identification');
DELETE FROM questions.batteries WHERE name = 'party_identification';
