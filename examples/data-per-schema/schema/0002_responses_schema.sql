-- PostgreSQL schema "responses": survey waves and the answers given.
-- migrate:requires schema:0001
-- migrate:up
CREATE SCHEMA responses;
CREATE TABLE responses.waves (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    fielded_on date NOT NULL
);
CREATE TABLE responses.answers (
    wave_id       bigint NOT NULL REFERENCES responses.waves (id),
    respondent    integer NOT NULL,
    question_code text NOT NULL REFERENCES questions.questions (code),
    answer        text NOT NULL,
    PRIMARY KEY (wave_id, respondent, question_code)
);

-- migrate:down
DROP TABLE responses.answers;
DROP TABLE responses.waves;
DROP SCHEMA responses;
