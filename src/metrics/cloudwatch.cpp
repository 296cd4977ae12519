#include "metrics/cloudwatch.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cmath>

#include "core/clock.h"
#include "metrics/aws_http.h"

namespace crawler::metrics {
namespace {

constexpr const char* kTarget = "GraniteServiceVersion20100801.PutMetricData";
constexpr const char* kContentType = "application/x-amz-json-1.0";
constexpr const char* kService = "monitoring";  // CloudWatch's signing name

// Epoch seconds, with milliseconds only when there are some (as the SDKs serialize).
boost::json::value epoch_seconds(std::chrono::system_clock::time_point t) {
  const auto ms = epoch_ms(t);
  if (ms % 1000 == 0) return boost::json::value(ms / 1000);
  return boost::json::value(static_cast<double>(ms) / 1000.0);
}

std::string error_type(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto& o = v.as_object();
  for (const char* key : {"__type", "code"}) {
    if (auto it = o.find(key); it != o.end() && it->value().is_string()) {
      std::string t(it->value().as_string());
      if (auto hash = t.rfind('#'); hash != std::string::npos) t = t.substr(hash + 1);
      return t;
    }
  }
  return {};
}

}  // namespace

std::string cloudwatch_endpoint(const std::string& configured, const std::string& region) {
  if (!configured.empty()) {
    std::string e = configured;
    while (!e.empty() && e.back() == '/') e.pop_back();
    return e;
  }
  const std::string suffix = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return "https://monitoring." + region + "." + suffix;
}

std::string put_metric_data_body(const std::string& metric_namespace,
                                 const std::vector<MetricDatum>& data) {
  boost::json::array items;
  for (const auto& d : data) {
    boost::json::object item;
    item["MetricName"] = d.name;
    if (std::isfinite(d.value)) item["Value"] = d.value;  // CloudWatch rejects NaN/Inf
    item["Unit"] = d.unit;
    if (d.timestamp) item["Timestamp"] = epoch_seconds(*d.timestamp);
    if (!d.dimensions.empty()) {
      boost::json::array dims;
      for (const auto& [name, value] : d.dimensions)
        dims.push_back(boost::json::object{{"Name", name}, {"Value", value}});
      item["Dimensions"] = std::move(dims);
    }
    items.push_back(std::move(item));
  }
  boost::json::object body{{"Namespace", metric_namespace}, {"MetricData", std::move(items)}};
  return boost::json::serialize(body);
}

PreparedRequest prepare_put_metric_data(const std::string& endpoint, const std::string& region,
                                        const std::string& metric_namespace,
                                        const std::vector<MetricDatum>& data,
                                        const sigv4::Credentials& credentials,
                                        std::chrono::system_clock::time_point now) {
  auto url = boost::urls::parse_uri(endpoint);
  if (!url || (url->scheme() != "https" && url->scheme() != "http") || url->host().empty())
    throw std::invalid_argument("CloudWatch endpoint must be http(s)://host[:port]");
  std::string host(url->encoded_host_and_port());
  std::string path(url->encoded_path());
  if (path.empty()) path = "/";

  sigv4::SigningRequest request;
  request.method = "POST";
  request.path = path;
  request.headers = {{"Host", host}, {"Content-Type", kContentType}, {"X-Amz-Target", kTarget}};
  request.body = put_metric_data_body(metric_namespace, data);
  sigv4::SigningParams params{.region = region, .service = kService, .time = now};
  auto signature = sigv4::sign(request, credentials, params);

  PreparedRequest out;
  out.url = std::string(url->scheme()) + "://" + host + path;
  out.headers = std::move(request.headers);
  out.headers.insert(out.headers.end(), signature.headers_to_add.begin(),
                     signature.headers_to_add.end());
  out.body = std::move(request.body);
  return out;
}

CloudWatchClient::CloudWatchClient(CloudWatchOptions options, CredentialsChain& credentials)
    : options_(std::move(options)), credentials_(credentials) {}

PutOutcome CloudWatchClient::put_metric_data(const std::string& metric_namespace,
                                             const std::vector<MetricDatum>& data) {
  auto creds = credentials_.resolve();
  if (!creds) return PutOutcome::no_credentials;
  auto prepared = prepare_put_metric_data(options_.endpoint, options_.region, metric_namespace,
                                          data, creds->keys, std::chrono::system_clock::now());
  HttpCall call;
  call.method = "POST";
  call.url = prepared.url;
  call.headers = std::move(prepared.headers);
  call.body = std::move(prepared.body);
  call.connect_timeout = options_.connect_timeout;
  call.timeout = options_.timeout;
  HttpReply reply;
  try {
    reply = http_call(call);
  } catch (const HttpError& e) {
    throw CloudWatchError(std::string("PutMetricData: ") + e.what(), true);
  }
  if (reply.status == 200) return PutOutcome::sent;
  const std::string type = error_type(reply.body);
  const bool retryable = reply.status >= 500 || reply.status == 429 ||
                         type.find("Throttl") != std::string::npos ||
                         type == "ExpiredTokenException" || type == "RequestExpired";
  throw CloudWatchError(
      "PutMetricData answered " + std::to_string(reply.status) + (type.empty() ? "" : " " + type),
      retryable);
}

}  // namespace crawler::metrics
