-- A rate set after the start takes effect from its date, so amounts reported before
-- it keep the rate they were counted with (a past year's figures do not move).
-- fx_rates keeps each currency's rate from the beginning.
CREATE TABLE fx_rate_changes (
    currency     TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    krw_per_unit REAL NOT NULL CHECK (krw_per_unit > 0),
    PRIMARY KEY (currency, valid_from)
);

CREATE TRIGGER fx_rate_changes_insert_version AFTER INSERT ON fx_rate_changes BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER fx_rate_changes_update_version AFTER UPDATE ON fx_rate_changes BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER fx_rate_changes_delete_version AFTER DELETE ON fx_rate_changes BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
