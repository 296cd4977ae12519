// The process roles one binary can run, alone or together: `--process=api,ws,scheduler,worker`.
#pragma once

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crawler::app {

// `publisher` runs the CloudWatch publisher and queue sampler on their own, for deployments
// that set METRICS_PUBLISHER=separate; `autoscaler` scales worker processes on this host with
// the policy engine (single-host deployments). Neither is part of `all`.
enum class Role { api, ws, scheduler, worker, publisher, autoscaler };

std::string_view role_name(Role role);
const std::vector<Role>& all_roles();  // what `all` means: api, ws, scheduler, worker

// Accepts a comma list, several tokens or both ("api,ws", {"api", "ws"}); "all" means every
// role; empty means all. Unknown or empty names throw std::invalid_argument naming the token
// and the valid roles.
std::set<Role> parse_roles(const std::vector<std::string>& tokens);

std::string describe(const std::set<Role>& roles);  // "api,ws" (for logs)

}  // namespace crawler::app
