-- 0012: a household's representative's name over time. Each borrower version
-- holds the name in force in it (tdcs import borrowers --update revises it);
-- borrower.name and name_folded stay the current name, for search.
ALTER TABLE borrower_version ADD COLUMN name TEXT;
UPDATE borrower_version SET name = (SELECT b.name FROM borrower b WHERE b.id = borrower_version.borrower_id);
