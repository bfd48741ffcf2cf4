#include "sources/units.h"

#include "parse/line_reader.h"
#include "sources/unit_journal.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <sys/stat.h>
#include <systemd/sd-bus.h>

namespace lsmdoctor {

const std::vector<std::string>& watched_units() {
  static const std::vector<std::string> kUnits{
      "auditd.service",     "audit-rules.service", "audit-rules-nixos.service",
      "augenrules.service", "usbguard.service",    "apparmor.service"};
  return kUnits;
}

namespace {

constexpr const char* kSystemd = "org.freedesktop.systemd1";

void set_key(UnitState& unit, const std::string& key, const std::string& value, bool& ok) {
  ok = true;
  if (key == "Id")
    unit.id = value;
  else if (key == "LoadState")
    unit.load_state = value;
  else if (key == "ActiveState")
    unit.active_state = value;
  else if (key == "SubState")
    unit.sub_state = value;
  else if (key == "Result")
    unit.result = value;
  else if (key == "ExecMainStatus" || key == "ExecMainCode") {
    char* end = nullptr;
    errno = 0;
    long number = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || errno != 0 || *end != '\0' || number < 0 || number > 255) {
      ok = false;
      return;
    }
    if (key == "ExecMainStatus")
      unit.exec_main_status = static_cast<int>(number);
    else
      unit.exec_main_code = static_cast<int>(number);
  }
}

void keep(UnitStates& states, UnitState& unit, const std::string& path) {
  if (!unit.id.empty() && unit.load_state != "not-found") {
    unit.state_source = path;
    states.units.push_back(std::move(unit));
  }
  unit = UnitState{};
}

std::string bus_error_text(int r, const sd_bus_error& error) {
  if (error.message)
    return error.message;
  return std::strerror(-r);
}

// Properties of one loaded unit; false (and `why`) when the bus refused.
bool read_unit(sd_bus* bus, const std::string& id, UnitState& unit, std::string& why) {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message* reply = nullptr;
  int r = sd_bus_call_method(bus, kSystemd, "/org/freedesktop/systemd1",
                             "org.freedesktop.systemd1.Manager", "GetUnit", &error, &reply, "s",
                             id.c_str());
  if (r < 0) {
    bool missing = sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit") != 0;
    if (!missing)
      why = fmt::format("{}: GetUnit: {}", id, bus_error_text(r, error));
    sd_bus_error_free(&error);
    return false;
  }
  const char* object = nullptr;
  r = sd_bus_message_read(reply, "o", &object);
  std::string path = r >= 0 && object ? object : "";
  sd_bus_message_unref(reply);
  if (path.empty()) {
    why = fmt::format("{}: GetUnit: bad reply", id);
    return false;
  }
  unit.id = id;
  auto text = [&](const char* iface, const char* name, std::string& out) {
    char* value = nullptr;
    sd_bus_error e = SD_BUS_ERROR_NULL;
    if (sd_bus_get_property_string(bus, kSystemd, path.c_str(), iface, name, &e, &value) >= 0 &&
        value)
      out = value;
    std::free(value);
    sd_bus_error_free(&e);
  };
  text("org.freedesktop.systemd1.Unit", "LoadState", unit.load_state);
  text("org.freedesktop.systemd1.Unit", "ActiveState", unit.active_state);
  text("org.freedesktop.systemd1.Unit", "SubState", unit.sub_state);
  if (id.size() > 8 && id.compare(id.size() - 8, 8, ".service") == 0) {
    text("org.freedesktop.systemd1.Service", "Result", unit.result);
    int status = 0;
    int code = 0;
    sd_bus_error e = SD_BUS_ERROR_NULL;
    if (sd_bus_get_property_trivial(bus, kSystemd, path.c_str(), "org.freedesktop.systemd1.Service",
                                    "ExecMainStatus", &e, 'i', &status) >= 0)
      unit.exec_main_status = status;
    sd_bus_error_free(&e);
    if (sd_bus_get_property_trivial(bus, kSystemd, path.c_str(), "org.freedesktop.systemd1.Service",
                                    "ExecMainCode", &e, 'i', &code) >= 0)
      unit.exec_main_code = code;
    sd_bus_error_free(&e);
  }
  unit.state_source = "sd-bus";
  return true;
}

Fact<UnitStates> live_units(const GatherOptions& options, std::vector<std::string>& warnings) {
  sd_bus* raw = nullptr;
  int r = sd_bus_open_system(&raw);
  std::unique_ptr<sd_bus, decltype(&sd_bus_flush_close_unref)> bus(raw, sd_bus_flush_close_unref);
  if (std::string why = without_systemd(options); r < 0 && !why.empty()) {
    UnitStates none;
    none.no_service_manager = why + "; in a container, run the doctor on the host";
    return Fact<UnitStates>::known(std::move(none), {"/run/systemd/system"});
  }
  if (r < 0)
    return Fact<UnitStates>::unknown(
        fmt::format("unit states: no system bus ({}): a container or a host without systemd; "
                    "`systemctl show -p Id,LoadState,ActiveState,SubState,Result,"
                    "ExecMainStatus,ExecMainCode auditd.service ...` on the host tells",
                    std::strerror(-r)),
        {"sd-bus"});
  UnitStates states;
  for (const auto& id : watched_units()) {
    UnitState unit;
    std::string why;
    if (read_unit(bus.get(), id, unit, why)) {
      if (unit.load_state != "not-found")
        states.units.push_back(std::move(unit));
    } else if (!why.empty()) {
      warnings.push_back(why);
    }
  }
  return Fact<UnitStates>::known(std::move(states), {"sd-bus"});
}

} // namespace

Fact<UnitStates> live_unit_states(std::vector<std::string>& warnings) {
  return live_units(GatherOptions{}, warnings);
}

std::string format_unit_capture(const UnitStates& states) {
  std::string out;
  for (const auto& unit : states.units) {
    if (!unit.state_known())
      continue;
    out += fmt::format("Id={}\nLoadState={}\nActiveState={}\nSubState={}\nResult={}\n", unit.id,
                       unit.load_state, unit.active_state, unit.sub_state, unit.result);
    if (unit.exec_main_status)
      out += fmt::format("ExecMainStatus={}\n", *unit.exec_main_status);
    out += fmt::format("ExecMainCode={}\n\n", unit.exec_main_code);
  }
  return out;
}

UnitStates parse_unit_capture(const std::string& text, const std::string& path,
                              std::vector<std::string>& warnings) {
  UnitStates states;
  UnitState unit;
  for (auto [line_no, view] : TextLines(text)) {
    std::string line(view);
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty()) {
      keep(states, unit, path);
      continue;
    }
    std::size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      warnings.push_back(
          fmt::format("{}:{}: not KEY=VALUE: '{}'", path, line_no, line.substr(0, 60)));
      continue;
    }
    bool ok = true;
    set_key(unit, line.substr(0, eq), line.substr(eq + 1), ok);
    if (!ok)
      warnings.push_back(fmt::format("{}:{}: bad value '{}'", path, line_no, line.substr(0, 60)));
  }
  keep(states, unit, path);
  return states;
}

Fact<UnitStates> gather_units(const GatherOptions& options, std::vector<std::string>& warnings) {
  Fact<UnitStates> states = Fact<UnitStates>::unknown("not gathered");
  if (options.root == "/" || options.root.empty()) {
    states = live_units(options, warnings);
  } else {
    std::string path = under_root(options.root, "/.lsm-doctor/units");
    struct stat st {};
    std::string why = without_systemd(options);
    if (::stat(path.c_str(), &st) != 0 && !why.empty()) {
      UnitStates none;
      none.no_service_manager = why + "; in a container, run the doctor on the host";
      states =
          Fact<UnitStates>::known(std::move(none), {under_root(options.root, kNoSystemdCapture)});
    } else if (::stat(path.c_str(), &st) != 0) {
      states = Fact<UnitStates>::unknown(
          "a --root tree has no system bus and no capture of the unit states "
          "(.lsm-doctor/units, the output of `systemctl show -p Id,LoadState,ActiveState,"
          "SubState,Result,ExecMainStatus,ExecMainCode UNIT...`)",
          {path});
    } else if (auto text = read_small_file(path, std::size_t{1} << 20); !text) {
      states = Fact<UnitStates>::unknown(text.error().message, {path});
    } else {
      states = Fact<UnitStates>::known(parse_unit_capture(*text, path, warnings), {path});
    }
  }
  return add_unit_journal(options, std::move(states), warnings);
}

} // namespace lsmdoctor
