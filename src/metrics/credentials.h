// Where the CloudWatch publisher's AWS credentials come from, in the order the AWS SDKs use
// for a container or an instance:
//   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
//   2. ECS task role: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (against http://169.254.170.2),
//      or AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
//      (read on every fetch: the agent rotates it) or AWS_CONTAINER_AUTHORIZATION_TOKEN
//      as the Authorization header; a FULL_URI over plain http must be a loopback or the
//      ECS/EKS link-local hosts, as the SDKs require;
//   3. EC2 instance metadata, IMDSv2 only: PUT /latest/api/token, then the role name from
//      /latest/meta-data/iam/security-credentials/, then that role's credentials. Skipped
//      when AWS_EC2_METADATA_DISABLED=true; AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the
//      endpoint (as in the SDKs: tests point it at a local fake);
//   4. none: resolve() returns nullopt and the caller skips publishing (it logs that once).
//
// Design:
//   - Temporary credentials are cached and refreshed `refresh_margin` (5 min) before they
//     expire, so a request never goes out with keys about to lapse. A failed refresh keeps
//     using the cached keys while they are still valid.
//   - The variables above arrive as typed values (aws_settings.h) read by the settings table,
//     so tests pass a struct instead of mutating the process environment.
//   - Errors: each source's failure is a value (the chain moves on), reported through
//     last_error() for the caller's log; never the keys themselves. Timeouts are short (1 s
//     connect, 2 s total per call) because IMDS and ECS endpoints answer in milliseconds
//     when they exist at all.
//   - Thread-safe: resolve() holds a mutex, so concurrent callers share one fetch.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "metrics/aws_settings.h"
#include "metrics/sigv4.h"

namespace crawler::metrics {

struct AwsCredentials {
  sigv4::Credentials keys;
  std::optional<std::chrono::system_clock::time_point> expiration;  // none: long-term
  std::string source;                                               // "environment", "ecs", "imds"
};

struct CredentialsChainOptions {
  CredentialSources sources;
  std::string ecs_host = "http://169.254.170.2";         // for the RELATIVE_URI form
  std::string imds_endpoint = "http://169.254.169.254";  // unless sources.ec2_metadata_endpoint
  std::chrono::milliseconds refresh_margin{5 * 60 * 1000};
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds timeout{2000};
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};

class CredentialsChain {
 public:
  explicit CredentialsChain(CredentialsChainOptions options = {});

  // Cached credentials, or fresh ones from the first source that has them; nullopt when no
  // source does. Never throws for a source's failure.
  std::optional<AwsCredentials> resolve();
  // Why the last resolve() found nothing (or why a refresh failed): for logs, no secrets.
  std::string last_error() const;

 private:
  std::optional<AwsCredentials> from_environment();
  std::optional<AwsCredentials> from_ecs();
  std::optional<AwsCredentials> from_imds();
  bool fresh(const AwsCredentials& c) const;

  CredentialsChainOptions options_;
  mutable std::mutex mutex_;
  std::optional<AwsCredentials> cached_;
  std::string last_error_;
};

// Parses the JSON both ECS and IMDS return (AccessKeyId, SecretAccessKey, Token, Expiration).
// nullopt when fields are missing or IMDS's Code is not "Success". Exposed for tests.
std::optional<AwsCredentials> parse_credentials_json(const std::string& body, std::string source);
// "2024-05-01T12:00:00Z" (fractional seconds and numeric offsets accepted).
std::optional<std::chrono::system_clock::time_point> parse_iso8601(const std::string& text);

}  // namespace crawler::metrics
