-- Campaign table: the structure only. Its indexes live in the index stream
-- (../index), deployable later, after the ETL has loaded the data.
-- varchar(n) is what the application's models declare; the lint warning is acknowledged.
-- migrate:requires schema:20260201090000
-- migrate:allow prefer-text
-- migrate:up
CREATE TABLE campaigns (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            varchar(200) NOT NULL,
    slug            varchar(120) NOT NULL,
    description     text,
    status          campaign_status NOT NULL DEFAULT 'draft',
    budget          bigint,
    impressions     bigint NOT NULL DEFAULT 0,
    conversion_rate numeric(6, 4),
    is_active       boolean NOT NULL DEFAULT true,
    is_featured     boolean NOT NULL DEFAULT false,
    start_date      timestamptz,
    end_date        timestamptz,
    metadata        jsonb NOT NULL DEFAULT '{}',
    settings        jsonb,
    tags            text[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT campaigns_dates_check CHECK (end_date IS NULL OR start_date IS NULL OR end_date > start_date)
);

-- migrate:down
DROP TABLE campaigns;

-- migrate:verify
SELECT count(*) = 0 FROM campaigns WHERE end_date <= start_date;
