#include "metrics/emf.h"

#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "core/clock.h"

namespace crawler::metrics {

std::string emf_line(const std::string& metric_namespace, const std::vector<MetricDatum>& data,
                     std::chrono::system_clock::time_point now) {
  auto when = !data.empty() && data.front().timestamp ? *data.front().timestamp : now;
  boost::json::object root;
  // Dimension values are root members too (EMF looks them up by name).
  std::map<std::vector<std::string>, boost::json::array> by_dimensions;
  for (const auto& d : data) {
    std::vector<std::string> keys;
    for (const auto& [name, value] : d.dimensions) {
      keys.push_back(name);
      root[name] = value;
    }
    by_dimensions[keys].push_back(boost::json::object{{"Name", d.name}, {"Unit", d.unit}});
    if (std::isfinite(d.value))
      root[d.name] = d.value;
    else
      root[d.name] = 0;  // JSON has no NaN; the sinks never pass one (see publisher)
  }
  boost::json::array directives;
  for (auto& [keys, metrics] : by_dimensions) {
    boost::json::array set;
    for (const auto& k : keys) set.push_back(boost::json::string(k));
    directives.push_back(boost::json::object{{"Namespace", metric_namespace},
                                             {"Dimensions", boost::json::array{set}},
                                             {"Metrics", std::move(metrics)}});
  }
  boost::json::object aws{{"Timestamp", epoch_ms(when)},
                          {"CloudWatchMetrics", std::move(directives)}};
  boost::json::object line{{"_aws", std::move(aws)}};
  for (auto& kv : root) line[kv.key()] = kv.value();
  return boost::json::serialize(line);
}

}  // namespace crawler::metrics
