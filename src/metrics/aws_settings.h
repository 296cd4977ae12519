// The AWS SDKs' environment variables the CloudWatch publisher honours, as typed values. The
// settings table (app/config.cpp) reads them from the process environment only, as the SDKs
// do: they are AWS's names, not the crawler's, so they have no flag, are not read from .env
// and are not listed in --help.
#pragma once

#include <string>

namespace crawler::metrics {

// Where credentials may come from, in the chain's order (credentials.h). Empty: not given.
struct CredentialSources {
  std::string access_key_id;           // AWS_ACCESS_KEY_ID
  std::string secret_access_key;       // AWS_SECRET_ACCESS_KEY (secret)
  std::string session_token;           // AWS_SESSION_TOKEN (secret)
  std::string container_relative_uri;  // AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
  std::string container_full_uri;      // AWS_CONTAINER_CREDENTIALS_FULL_URI
  std::string container_token_file;    // AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
  std::string container_token;         // AWS_CONTAINER_AUTHORIZATION_TOKEN (secret)
  bool ec2_metadata_disabled = false;  // AWS_EC2_METADATA_DISABLED
  std::string ec2_metadata_endpoint;   // AWS_EC2_METADATA_SERVICE_ENDPOINT
};

struct AwsSettings {
  std::string region;  // AWS_REGION, else AWS_DEFAULT_REGION; empty: no CloudWatch publishing
  // AWS_ENDPOINT_URL_CLOUDWATCH, else AWS_ENDPOINT_URL; empty: the region's public endpoint
  // (cloudwatch_endpoint() in cloudwatch.h).
  std::string cloudwatch_endpoint;
  CredentialSources credentials;
};

}  // namespace crawler::metrics
