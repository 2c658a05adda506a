-- A number that grows with every write to the tables the KPI dashboard is computed
-- from, so that a computed dashboard can be kept until the data under it changes (even
-- when the change came from another process, such as a CLI import). SQLite has one
-- writer at a time, so this one row is no point of contention. PostgreSQL needs no
-- such table: its transaction snapshot tells the same (see Store::data_version).
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);


CREATE TRIGGER startups_insert_version AFTER INSERT ON startups BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER startups_update_version AFTER UPDATE ON startups BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER startups_delete_version AFTER DELETE ON startups BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER enterprises_insert_version AFTER INSERT ON enterprises BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER enterprises_update_version AFTER UPDATE ON enterprises BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER enterprises_delete_version AFTER DELETE ON enterprises BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER needs_insert_version AFTER INSERT ON needs BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER needs_update_version AFTER UPDATE ON needs BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER needs_delete_version AFTER DELETE ON needs BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matches_insert_version AFTER INSERT ON matches BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matches_update_version AFTER UPDATE ON matches BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matches_delete_version AFTER DELETE ON matches BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER outcomes_insert_version AFTER INSERT ON outcomes BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER outcomes_update_version AFTER UPDATE ON outcomes BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER outcomes_delete_version AFTER DELETE ON outcomes BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER centers_insert_version AFTER INSERT ON centers BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER centers_update_version AFTER UPDATE ON centers BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER centers_delete_version AFTER DELETE ON centers BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER center_applications_insert_version AFTER INSERT ON center_applications BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER center_applications_update_version AFTER UPDATE ON center_applications BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER center_applications_delete_version AFTER DELETE ON center_applications BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER center_outcomes_insert_version AFTER INSERT ON center_outcomes BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER center_outcomes_update_version AFTER UPDATE ON center_outcomes BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER center_outcomes_delete_version AFTER DELETE ON center_outcomes BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER clusters_insert_version AFTER INSERT ON clusters BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER clusters_update_version AFTER UPDATE ON clusters BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER clusters_delete_version AFTER DELETE ON clusters BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER convergence_pairs_insert_version AFTER INSERT ON convergence_pairs BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER convergence_pairs_update_version AFTER UPDATE ON convergence_pairs BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER convergence_pairs_delete_version AFTER DELETE ON convergence_pairs BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER fx_rates_insert_version AFTER INSERT ON fx_rates BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER fx_rates_update_version AFTER UPDATE ON fx_rates BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER fx_rates_delete_version AFTER DELETE ON fx_rates BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER kpi_targets_insert_version AFTER INSERT ON kpi_targets BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER kpi_targets_update_version AFTER UPDATE ON kpi_targets BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER kpi_targets_delete_version AFTER DELETE ON kpi_targets BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
