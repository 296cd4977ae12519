// Signs a request with npm @smithy/signature-v4 (the AWS SDK's signer) and prints
// {"authorization": ..., "headers": {...}} as JSON. Input: a JSON file (argv[2]) with
// {method, hostname, path, query (object), headers (object), body, region, service,
//  time (ISO 8601), credentials: {accessKeyId, secretAccessKey, sessionToken?}}.
// Every given header is signed (the caller passes exactly the headers it wants compared),
// and no x-amz-content-sha256 is added (applyChecksum: false), as for CloudWatch.
// Used by tests/metrics/metrics_cloudwatch_test.cpp.
'use strict';
const fs = require('fs');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

(async () => {
  const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: input.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: input.method,
      protocol: 'https:',
      hostname: input.hostname,
      path: input.path,
      query: input.query || {},
      headers: input.headers,
      body: input.body,
    },
    { signingDate: new Date(input.time) },
  );
  const headers = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  process.stdout.write(JSON.stringify({ authorization: headers.authorization, headers }));
})().catch((e) => {
  process.stderr.write(`sign failed: ${e && e.stack}\n`);
  process.exit(1);
});
