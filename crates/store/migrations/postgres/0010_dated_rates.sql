-- A rate set after the start takes effect from its date, so amounts reported before
-- it keep the rate they were counted with (a past year's figures do not move).
-- fx_rates keeps each currency's rate from the beginning.
CREATE TABLE fx_rate_changes (
    currency     TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    krw_per_unit DOUBLE PRECISION NOT NULL CHECK (krw_per_unit > 0),
    PRIMARY KEY (currency, valid_from)
);
