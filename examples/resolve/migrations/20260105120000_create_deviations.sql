-- The deviations of the scheduling app.
-- migrate:up
CREATE TABLE deviations (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL,
    deviation_id text,
    title        text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE deviations;
