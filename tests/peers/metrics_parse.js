// Parses Prometheus text (file given as argv[2]) with npm parse-prometheus-text-format and
// prints the parsed families as JSON (prom2json shape) on stdout. Exits 1 on a parse error.
// Used by tests/metrics/metrics_prometheus_test.cpp (and metrics_roles_test.cpp).
'use strict';
const fs = require('fs');
const parse = require('parse-prometheus-text-format');

try {
  const text = fs.readFileSync(process.argv[2], 'utf8');
  process.stdout.write(JSON.stringify(parse(text)));
} catch (e) {
  process.stderr.write(`parse failed: ${e && e.message}\n`);
  process.exit(1);
}
