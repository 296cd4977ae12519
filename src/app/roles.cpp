#include "app/roles.h"

#include "app/config_parse.h"

namespace crawler::app {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::api:
      return "api";
    case Role::ws:
      return "ws";
    case Role::scheduler:
      return "scheduler";
    case Role::worker:
      return "worker";
    case Role::publisher:
      return "publisher";
    case Role::autoscaler:
      return "autoscaler";
  }
  return "?";
}

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles{Role::api, Role::ws, Role::scheduler, Role::worker};
  return roles;
}

std::set<Role> parse_roles(const std::vector<std::string>& tokens) {
  std::set<Role> roles;
  bool any = false;
  for (const auto& token : tokens) {
    for (const auto& name : split_list(token, EmptyItems::keep)) {
      any = true;
      if (name == "all") {
        roles.insert(all_roles().begin(), all_roles().end());
      } else {
        bool found = false;
        for (Role r : {Role::api, Role::ws, Role::scheduler, Role::worker, Role::publisher,
                       Role::autoscaler})
          if (name == role_name(r)) roles.insert(r), found = true;
        if (!found)
          throw std::invalid_argument(
              "unknown process role '" + name +
              "'; valid roles: api, ws, scheduler, worker, publisher, autoscaler, all "
              "(comma-separated, e.g. --process=api,ws)");
      }
    }
  }
  if (!any) roles.insert(all_roles().begin(), all_roles().end());
  return roles;
}

std::string describe(const std::set<Role>& roles) {
  std::string out;
  for (Role r : roles) {
    if (!out.empty()) out += ',';
    out += role_name(r);
  }
  return out;
}

}  // namespace crawler::app
