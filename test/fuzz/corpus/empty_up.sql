-- migrate:up
-- only a comment

