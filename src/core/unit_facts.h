// Facts about systemd units that load audit rules or run security daemons:
// their state over D-Bus (or a capture) and their own journal lines.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lsmdoctor {

// One unit as `systemctl show` reports it.
struct UnitState {
  std::string id;                      // "audit-rules-nixos.service"
  std::string load_state;              // "loaded", "not-found", "masked", ...
  std::string active_state;            // "active", "failed", "inactive", ...
  std::string sub_state;               // "exited", "failed", "running", ...
  std::string result;                  // "success", "exit-code", "signal", ...
  std::optional<int> exec_main_status; // exit status (or signal) of the last main process
  int exec_main_code = 0;              // CLD_EXITED (1), CLD_KILLED (2), CLD_DUMPED (3); 0 none
  std::vector<std::string> messages;   // the unit's own journal lines (MESSAGE=), newest boot
  std::string messages_source;         // where they came from ("" when not read)
  std::string state_source;            // "sd-bus", the capture's path, or "" (state unknown)

  bool state_known() const { return !state_source.empty(); }
  bool failed() const {
    return active_state == "failed" || (!result.empty() && result != "success");
  }
};

// The audit and security units that exist on the host, in a fixed order.
struct UnitStates {
  std::vector<UnitState> units;
  std::string no_service_manager; // why no unit can exist (no systemd); units is then empty
  const UnitState* find(const std::string& id) const {
    for (const auto& unit : units)
      if (unit.id == id)
        return &unit;
    return nullptr;
  }
};

} // namespace lsmdoctor
