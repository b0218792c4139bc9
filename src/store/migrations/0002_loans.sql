-- 0002: loans, the double-entry ledger, member savings, end of day.

-- The chart of accounts (data/chart_of_accounts.csv). type: asset | liability |
-- income | expense | equity | memo.
CREATE TABLE ledger_account (
  code TEXT PRIMARY KEY, name_vi TEXT NOT NULL, name_en TEXT NOT NULL, type TEXT NOT NULL);

-- Journal entries: append-only; a correction is a reversal entry.
CREATE TABLE journal_entry (
  id ID_PK, entry_date DATE NOT NULL, kind TEXT NOT NULL, loan_id BIGINT, txn_id BIGINT,
  reverses_entry_id BIGINT);
CREATE INDEX journal_entry_loan ON journal_entry (loan_id);
-- amount_dong: debit > 0, credit < 0; each entry sums to zero.
CREATE TABLE posting (
  entry_id BIGINT NOT NULL REFERENCES journal_entry(id), account_code TEXT NOT NULL,
  program_code TEXT NOT NULL, fund_source BIGINT NOT NULL, office_id BIGINT NOT NULL,
  loan_id BIGINT NOT NULL, borrower_id BIGINT NOT NULL, amount_dong BIGINT NOT NULL);
CREATE INDEX posting_entry ON posting (entry_id);
CREATE INDEX posting_loan ON posting (loan_id);
-- Maintained aggregate: the balance of each account by its dimensions, updated
-- in the same transaction as the postings (checked by `tdcs verify`).
CREATE TABLE ledger_balance (
  account_code TEXT NOT NULL, program_code TEXT NOT NULL, fund_source BIGINT NOT NULL,
  office_id BIGINT NOT NULL, balance_dong BIGINT NOT NULL,
  PRIMARY KEY (account_code, program_code, fund_source, office_id));

-- A loan: its terms, the application and decision, and its current state
-- (the state is also derivable by replaying loan_txn; see src/loans/loan.h).
CREATE TABLE loan (
  id ID_PK, code TEXT NOT NULL UNIQUE, borrower_id BIGINT NOT NULL REFERENCES borrower(id),
  approved_borrower_id BIGINT NOT NULL, office_id BIGINT NOT NULL, program_code TEXT NOT NULL REFERENCES program(code),
  fund_source BIGINT NOT NULL, approved_dong BIGINT NOT NULL, term_months BIGINT NOT NULL,
  every_months BIGINT NOT NULL, grace_months BIGINT NOT NULL, session_day BIGINT NOT NULL,
  applied_on DATE NOT NULL, group_reviewed_on DATE, commune_certified_on DATE, decided_on DATE,
  status TEXT NOT NULL, rejection_reason TEXT,
  disbursed_on DATE, overdue_rule TEXT NOT NULL, disbursed_dong BIGINT NOT NULL,
  normal_dong BIGINT NOT NULL, overdue_dong BIGINT NOT NULL, frozen_dong BIGINT NOT NULL,
  interest_unpaid_dong BIGINT NOT NULL, accrual TEXT NOT NULL, accrued_to DATE,
  processed_to DATE, next_event_date DATE, extension_months BIGINT NOT NULL,
  frozen_from DATE, frozen_until DATE, frozen_months BIGINT NOT NULL,
  installments TEXT NOT NULL);
CREATE INDEX loan_next_event ON loan (next_event_date);
CREATE INDEX loan_borrower ON loan (borrower_id);
CREATE INDEX loan_session_day ON loan (session_day, status);

-- Every action on a loan, in order. A reversal is a transaction of its own
-- (kind 'reverse', reverses = the reversed one), and the reversed one gets
-- reversed_by; nothing is edited otherwise.
CREATE TABLE loan_txn (
  id ID_PK, loan_id BIGINT NOT NULL REFERENCES loan(id), txn_date DATE NOT NULL,
  kind TEXT NOT NULL, amount_dong BIGINT NOT NULL, months BIGINT NOT NULL,
  party_id BIGINT NOT NULL, entry_id BIGINT, reverses BIGINT, reversed_by BIGINT);
CREATE INDEX loan_txn_loan ON loan_txn (loan_id, id);

-- The office's capital plan per program and year (approvals stay within it).
CREATE TABLE capital_plan (
  office_id BIGINT NOT NULL, program_code TEXT NOT NULL, plan_year BIGINT NOT NULL,
  amount_dong BIGINT NOT NULL, PRIMARY KEY (office_id, program_code, plan_year));

CREATE TABLE savings_account (
  id ID_PK, borrower_id BIGINT NOT NULL UNIQUE REFERENCES borrower(id),
  office_id BIGINT NOT NULL, balance_dong BIGINT NOT NULL, accrual TEXT NOT NULL,
  accrued_to DATE NOT NULL);
CREATE TABLE savings_txn (
  id ID_PK, account_id BIGINT NOT NULL REFERENCES savings_account(id), txn_date DATE NOT NULL,
  kind TEXT NOT NULL, amount_dong BIGINT NOT NULL, entry_id BIGINT);
-- Savings interest: per-month rate in millionths from each date.
CREATE TABLE savings_rate (valid_from DATE PRIMARY KEY, rate_millionths BIGINT NOT NULL);

-- Idempotency of writes from outside: a repeat with the same key and the same
-- request returns the first result; a different request is rejected.
CREATE TABLE idempotency_key (
  key TEXT PRIMARY KEY, request TEXT NOT NULL, result TEXT NOT NULL);

-- The bank's business date and the end-of-day runs.
CREATE TABLE business_date (id BIGINT PRIMARY KEY, current_date_iso DATE NOT NULL);
CREATE TABLE close_run (
  run_date DATE PRIMARY KEY, status TEXT NOT NULL, loans BIGINT NOT NULL,
  entries BIGINT NOT NULL);

INSERT INTO id_sequence (name, next_value) VALUES
  ('loan', 1), ('loan_txn', 1), ('journal_entry', 1), ('savings_account', 1), ('savings_txn', 1);
