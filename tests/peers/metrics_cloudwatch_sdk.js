// Sends one PutMetricData with npm @aws-sdk/client-cloudwatch to a local endpoint (the
// test's capture server), so the test can compare the SDK's request with ours.
// argv: endpoint region namespace metricName value unit timestampSeconds
// Fixed credentials; no retries (the capture server answers 200 at once).
'use strict';
const { CloudWatchClient, PutMetricDataCommand } = require('@aws-sdk/client-cloudwatch');

(async () => {
  const [endpoint, region, ns, name, value, unit, ts] = process.argv.slice(2);
  const client = new CloudWatchClient({
    endpoint,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  });
  await client.send(
    new PutMetricDataCommand({
      Namespace: ns,
      MetricData: [
        { MetricName: name, Value: Number(value), Unit: unit, Timestamp: new Date(Number(ts) * 1000) },
      ],
    }),
  );
  process.stdout.write('sent\n');
})().catch((e) => {
  process.stderr.write(`sdk failed: ${e && e.stack}\n`);
  process.exit(1);
});
