-- The status of a campaign, as the application's CampaignStatus enum.
-- migrate:up
CREATE TYPE campaign_status AS ENUM ('draft', 'scheduled', 'active', 'paused', 'completed', 'archived');

-- migrate:down
DROP TYPE campaign_status;
