// CloudWatch PutMetricData over libcurl, signed with SigV4.
//
// Protocol: AWS JSON 1.0 (POST /, Content-Type application/x-amz-json-1.0,
// X-Amz-Target: GraniteServiceVersion20100801.PutMetricData). Why not the older query
// protocol (form-encoded Action=PutMetricData&MetricData.member.1.MetricName=...):
//   - it is what the current AWS SDKs send, so the test can compare our request with the
//     npm SDK's field by field and a protocol mismatch cannot hide;
//   - a JSON body is one Boost.JSON object, while the query form flattens nested lists into
//     numbered member keys and answers in XML, two more formats to get right;
//   - the trade-off: CloudWatch-compatible emulators older than the JSON protocol (2023)
//     only speak query; AWS itself accepts both.
//
// Endpoint: AWS_ENDPOINT_URL_CLOUDWATCH, else AWS_ENDPOINT_URL, else
// https://monitoring.<region>.amazonaws.com (.com.cn in China regions). Region: AWS_REGION,
// else AWS_DEFAULT_REGION. Both arrive as AwsSettings (aws_settings.h).
//
// Errors: put_metric_data() throws CloudWatchError, whose retryable() says whether trying
// again may help (transport failures, 5xx, throttling, an expired token) or not (a request
// CloudWatch rejects as invalid, access denied). No credentials is not an error but an
// outcome: PutOutcome::no_credentials. Neither the keys nor the Authorization header are
// ever put in an error message.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "metrics/credentials.h"
#include "metrics/sigv4.h"

namespace crawler::metrics {

struct MetricDatum {
  std::string name;
  double value = 0;
  std::string unit = "Count";  // CloudWatch StandardUnit: Count, Percent, None, Seconds...
  std::vector<std::pair<std::string, std::string>> dimensions;
  std::optional<std::chrono::system_clock::time_point> timestamp;  // none: receipt time
};

class CloudWatchError : public std::runtime_error {
 public:
  CloudWatchError(const std::string& message, bool retryable)
      : std::runtime_error(message), retryable_(retryable) {}
  bool retryable() const { return retryable_; }

 private:
  bool retryable_;
};

// `configured` (AwsSettings::cloudwatch_endpoint) without a trailing slash, or when empty the
// region's public endpoint.
std::string cloudwatch_endpoint(const std::string& configured, const std::string& region);

// The JSON 1.0 body: {"Namespace":..,"MetricData":[{"MetricName","Value","Unit",
// "Timestamp" (epoch seconds),"Dimensions":[{"Name","Value"}]}]}.
std::string put_metric_data_body(const std::string& metric_namespace,
                                 const std::vector<MetricDatum>& data);

struct PreparedRequest {
  std::string url;
  sigv4::Headers headers;  // everything to send, signed ones and the Authorization
  std::string body;
};

// The complete signed request (pure: the time and keys are given). Throws
// std::invalid_argument for an endpoint that is not http(s)://host[:port][/path].
PreparedRequest prepare_put_metric_data(const std::string& endpoint, const std::string& region,
                                        const std::string& metric_namespace,
                                        const std::vector<MetricDatum>& data,
                                        const sigv4::Credentials& credentials,
                                        std::chrono::system_clock::time_point now);

struct CloudWatchOptions {
  std::string region;
  std::string endpoint;  // from cloudwatch_endpoint()
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{10000};
};

enum class PutOutcome { sent, no_credentials };

class CloudWatchClient {
 public:
  // `credentials` must outlive the client.
  CloudWatchClient(CloudWatchOptions options, CredentialsChain& credentials);
  // One PutMetricData call (at most 1000 data per call: callers send a handful). Throws
  // CloudWatchError.
  PutOutcome put_metric_data(const std::string& metric_namespace,
                             const std::vector<MetricDatum>& data);
  const CloudWatchOptions& options() const { return options_; }

 private:
  CloudWatchOptions options_;
  CredentialsChain& credentials_;
};

}  // namespace crawler::metrics
