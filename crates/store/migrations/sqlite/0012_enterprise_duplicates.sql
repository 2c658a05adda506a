-- Likely duplicate enterprises are flagged as startups are: the same name once legal
-- forms are stripped (in Korean or English). A flag says which kind of record it pairs;
-- flags made before this are startups'.
ALTER TABLE enterprises ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN name_en_key TEXT NOT NULL DEFAULT '';
CREATE INDEX enterprises_name_key ON enterprises(name_key);
CREATE INDEX enterprises_name_en_key ON enterprises(name_en_key);
ALTER TABLE duplicate_flags ADD COLUMN kind TEXT NOT NULL DEFAULT 'startup'
    CHECK (kind IN ('startup', 'enterprise'));
