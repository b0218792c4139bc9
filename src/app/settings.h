// Settings with effective dates: named settings, the savings rate, an
// office's capital plan for a program and year. Each write is one
// transaction; a setting dated before the business date is refused where it
// would change what was already computed (RATE_CHANGE_BACKDATED).
#pragma once

#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/calendar.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"
#include "programs/program.h"

namespace tdcs::app {

// What the settings below answer.
enum class SettingRejection {
  kSettingNameInvalid,   // SetSetting: a name empty or over 64 bytes
  kRateChangeBackdated,  // SetSavingsRate: before the business date or interest accrued
  kOfficeUnknown,        // SetCapitalPlan: no such office
  kAmountNotPositive,    // SetCapitalPlan: a negative plan
};
std::string_view RejectionKey(SettingRejection code);
std::span<const RejectionEntry<SettingRejection>> RejectionTable(SettingRejection);

// A named setting from `from` on (e.g. interest.charge = month_end).
Status SetSetting(Connection& connection, const Context& context, const std::string& name,
                  Date from, const std::string& value);
// The savings interest rate (per month) from `from` on.
Status SetSavingsRate(Connection& connection, const Context& context, Date from, Rate rate);
// An office's capital plan for a program in a year: approvals stay within it.
Status SetCapitalPlan(Connection& connection, const Context& context,
                      const std::string& office_code, const std::string& program, int year,
                      Money amount);

// An interest rate change — a program's (`program` its code) or the savings
// rate (`program` empty) — from `from` on, by the context's actor (settings
// permission). Made by a signed-in user it waits for a second person with
// the settings permission (RULES §14.4): `pending_request` is the request
// then (`repeated`: the maker's request already open, or the same key),
// else 0 and the rate is in force. Checked again when approved.
struct RateChange {
  int64_t pending_request = 0;
  bool repeated = false;
};
Result<RateChange> ChangeRate(Connection& connection, const Context& context,
                              const std::string& program, Date from, Rate rate);

// A public holiday in the working-day calendar (from holiday.valid_from on).
Status AddHoliday(Connection& connection, const Context& context, const Holiday& holiday);

// Totals of the loan book now: outstanding, overdue, frozen, customers with
// outstanding.
struct PortfolioTotals {
  Money principal, overdue, frozen;
  int64_t customers = 0;
};
PortfolioTotals CurrentPortfolio(Connection& connection, const Context& context);

// The programs in force on `on` (GET /api/programs), by code: what an
// application form checks as the officer types (limit, term, categories).
// Every signed-in role may read them.
Result<std::vector<programs::ProgramVersion>> ProgramsOn(Connection& connection,
                                                         const Context& context, Date on);

}  // namespace tdcs::app
