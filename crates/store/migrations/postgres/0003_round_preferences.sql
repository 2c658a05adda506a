-- Stated preferences for stable-matching rounds: a startup ranks needs, a need's
-- enterprise ranks startups (rank 1 = first choice).
CREATE TABLE preferences (
    side        TEXT NOT NULL CHECK (side IN ('startup', 'need')),
    startup_id  BIGINT NOT NULL REFERENCES startups(id) ON DELETE CASCADE,
    need_id     BIGINT NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    rank        BIGINT NOT NULL CHECK (rank >= 1),
    stated_at   TEXT NOT NULL,
    PRIMARY KEY (side, startup_id, need_id)
);
CREATE INDEX matches_round ON matches(round_id);
-- deleting a round's proposals checks outcomes that point at them
CREATE INDEX outcomes_match ON outcomes(match_id);
