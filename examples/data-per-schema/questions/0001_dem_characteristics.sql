-- Data migration of the questions schema: the demographic battery.
-- migrate:requires schema:0001
-- migrate:up
INSERT INTO questions.batteries (name, prefix) VALUES ('dem_characteristics', 'DEM');
INSERT INTO questions.questions (battery_id, code, label, options)
SELECT b.id, q.code, q.label, q.options
FROM questions.batteries b,
     (VALUES ('DEM_AGE', 'Age group', ARRAY['18-29', '30-44', '45-64', '65+']),
             ('DEM_GENDER', 'Gender', ARRAY['woman', 'man', 'other', 'prefer not to say']),
             ('DEM_EDU', 'Highest education', ARRAY['primary', 'secondary', 'tertiary'])) AS q (code, label, options)
WHERE b.name = 'dem_characteristics';

-- migrate:down
DELETE FROM questions.questions
WHERE battery_id = (SELECT id FROM questions.batteries WHERE name = 'dem_characteristics');
DELETE FROM questions.batteries WHERE name = 'dem_characteristics';

-- migrate:verify
SELECT count(*) = 3 FROM questions.questions WHERE code LIKE 'DEM\_%';
