-- 0026: a household's page lists the debt reconciliations that asked it
-- (GET /api/borrowers/{code}): its lines found by borrower, not campaign by
-- campaign.
CREATE INDEX reconcile_line_borrower ON reconcile_line (borrower_id);
