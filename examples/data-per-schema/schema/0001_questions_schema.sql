-- PostgreSQL schema "questions": survey batteries and their questions.
-- migrate:up
CREATE SCHEMA questions;
CREATE TABLE questions.batteries (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name   text NOT NULL UNIQUE,
    prefix text NOT NULL
);
CREATE TABLE questions.questions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    battery_id bigint NOT NULL REFERENCES questions.batteries (id),
    code       text NOT NULL UNIQUE,
    label      text NOT NULL,
    options    text[] NOT NULL DEFAULT '{}'
);

-- migrate:down
DROP TABLE questions.questions;
DROP TABLE questions.batteries;
DROP SCHEMA questions;
