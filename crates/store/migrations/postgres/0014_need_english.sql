-- A need's title and description in English beside its own language (Korean for a
-- Seoul enterprise), as a startup's name and description already have: a page shows
-- the reader's language and says when it falls back to the other, and matching reads
-- both. Before this the demo glued both languages into one field.
ALTER TABLE needs ADD COLUMN title_en TEXT;
ALTER TABLE needs ADD COLUMN description_en TEXT;
