// CloudWatch Embedded Metric Format: one JSON object per line whose "_aws" member tells
// CloudWatch Logs which of its members are metrics. With METRICS_SINK=emf the publisher
// prints these on stdout instead of calling PutMetricData: the awslogs driver (ECS) or the
// CloudWatch agent (EC2) ships stdout to CloudWatch Logs, which extracts the metrics. No
// credentials, no network calls from the process, and the same metric names and units.
//
//   {"_aws":{"Timestamp":1700000000000,"CloudWatchMetrics":[{"Namespace":"CrawlerService",
//    "Dimensions":[[]],"Metrics":[{"Name":"QueueWaitingJobs","Unit":"Count"}]}]},
//    "QueueWaitingJobs":12}
//
// Data with different dimension sets go into separate directives of one line; data without
// dimensions use the empty dimension set [[]] (publish without dimensions).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "metrics/cloudwatch.h"

namespace crawler::metrics {

// One EMF line (no newline). `now` is used when a datum has no timestamp (EMF has one
// timestamp per line: the first datum's, else `now`).
std::string emf_line(const std::string& metric_namespace, const std::vector<MetricDatum>& data,
                     std::chrono::system_clock::time_point now);

}  // namespace crawler::metrics
