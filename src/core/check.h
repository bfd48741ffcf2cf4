// The check interface: a check is a pure function from facts to one finding.
#pragma once

#include "core/config.h"
#include "core/facts.h"
#include "core/finding.h"
#include "core/knowledge.h"

#include <string_view>
#include <vector>

namespace lsmdoctor {

struct CheckContext {
  const Facts& facts;
  const Knowledge& knowledge;
  const DoctorConfig* config = nullptr; // lsm-doctor.toml; null when none is read
};

struct CheckDef {
  std::string_view id;    // stable dotted id, the contract with users
  Severity severity;      // the severity of a failure unless the check says otherwise
  std::string_view title; // what is checked, for explain and listings
  Finding (*run)(const CheckContext&);
};

// Every check, sorted by id (tests keep it sorted and unique).
const std::vector<CheckDef>& check_registry();
const CheckDef* find_check(std::string_view id);

// Runs every check; findings come back most severe first, then by id.
std::vector<Finding> run_checks(const CheckContext& context);

// Finding builders that fill id and severity from the definition.
Finding pass(const CheckDef& def, std::string title);
Finding fail(const CheckDef& def, std::string title);
Finding fail(const CheckDef& def, Severity severity, std::string title);
Finding unknown(const CheckDef& def, std::string title, std::string why);
Finding not_applicable(const CheckDef& def, std::string why);

} // namespace lsmdoctor
