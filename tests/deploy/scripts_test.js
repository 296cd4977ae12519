// The deployment shell scripts: bash -n and shellcheck (scripts/install-deps installs it) on
// each; scripts/ec2-bootstrap --dry-run on a copy of the host's files (the .env it writes,
// the commands it would run, its refusals); scripts/redis-memory-report's percentage.
//
//   node scripts_test.js <repo root>
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const assert = require('assert/strict');
const { spawnSync } = require('child_process');
const d = require('./lib/deploy');

const [repoRoot] = process.argv.slice(2);
const SCRIPTS = ['scripts/ec2-bootstrap', 'scripts/deploy', 'scripts/redis-memory-report'];

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

// A copy of what Terraform's user data writes to /opt/crawler.
function hostDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-host-'));
  for (const f of ['docker-compose.ec2.yaml', '.env.example', 'cloudwatch/agent.json', 'scripts/redis-memory-report']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, f), path.join(dir, f));
  }
  return dir;
}

async function main() {
  const c = new d.Checks('deploy_scripts');

  for (const s of SCRIPTS) {
    await c.check(`${s}: executable, bash -n, shellcheck clean`, () => {
      const file = path.join(repoRoot, s);
      assert.ok(fs.statSync(file).mode & 0o111, 'not executable');
      const n = run('bash', ['-n', file]);
      assert.equal(n.status, 0, n.stderr);
      const sc = run('shellcheck', ['--shell=bash', '--severity=style', file]);
      if (sc.error) throw new Error('shellcheck not installed (scripts/install-deps installs it)');
      assert.equal(sc.status, 0, sc.stdout);
    });
  }

  await c.check('negative: shellcheck reports a script with an unquoted variable', () => {
    const tmp = path.join(os.tmpdir(), `deploy-sc-${process.pid}.sh`);
    fs.writeFileSync(tmp, '#!/usr/bin/env bash\nrm -rf $1/tmp\n');
    try {
      const sc = run('shellcheck', [tmp]);
      assert.notEqual(sc.status, 0);
      assert.match(sc.stdout, /SC2086/);
    } finally {
      fs.rmSync(tmp);
    }
  });

  await c.check('ec2-bootstrap --dry-run: .env from .env.example with the host\'s values (0600), Docker + compose plugin, ECR login, compose up', () => {
    const dir = hostDir();
    try {
      const image = '123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/crawler:abc123';
      const r = run(path.join(repoRoot, 'scripts/ec2-bootstrap'), ['--dry-run', '--dir', dir, '--image', image,
        '--region', 'ap-northeast-2', '--base-workers', '2', '--redis-maxmemory', '3gb',
        '--postgres-password-parameter', '/crawler/postgres-password']);
      assert.equal(r.status, 0, r.stderr);
      const env = Object.fromEntries(d.parseEnvFile(fs.readFileSync(path.join(dir, '.env'), 'utf8')).map((e) => [e.name, e.value]));
      assert.equal(env.CRAWLER_IMAGE, image);
      assert.equal(env.AWS_REGION, 'ap-northeast-2');
      assert.equal(env.BASE_WORKERS, '2');
      assert.equal(env.REDIS_MAXMEMORY, '3gb');
      assert.equal(env.POSTGRES_PASSWORD, 'dry-run-password-from-ssm');
      assert.equal(fs.statSync(path.join(dir, '.env')).mode & 0o777, 0o600);
      // Everything else is .env.example's, in its order.
      const example = d.parseEnvFile(fs.readFileSync(path.join(dir, '.env.example'), 'utf8')).map((e) => e.name);
      assert.deepEqual(Object.keys(env), example);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('+ '));
      const want = [
        /^\+ apt-get install -y -q ca-certificates curl gnupg git awscli$/,
        /^\+ apt-get install -y -q docker-ce docker-ce-cli containerd\.io docker-compose-plugin$/,
        /^\+ aws ssm get-parameter --region ap-northeast-2 --name \/crawler\/postgres-password --with-decryption /,
        /aws\\? ecr\\? get-login-password.*docker\\? login.*123456789012\.dkr\.ecr\.ap-northeast-2\.amazonaws\.com/,
        /^\+ docker compose -f docker-compose\.ec2\.yaml pull --quiet$/,
        /^\+ docker compose -f docker-compose\.ec2\.yaml up -d --remove-orphans$/,
      ];
      let at = 0;
      for (const re of want) {
        const i = lines.findIndex((l, j) => j >= at && re.test(l));
        assert.ok(i >= 0, `missing or out of order: ${re}\n${lines.join('\n')}`);
        at = i + 1;
      }
      // The seed's `docker-compose` spelling: the shim it writes calls `docker compose`.
      const shimLine = lines.find((l) => l.includes('/usr/local/bin/docker-compose'));
      assert.ok(shimLine, 'no docker-compose shim');
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-shim-'));
      try {
        const argv = run('bash', ['-c', 'eval "set -- $1"; for a; do printf "%s\\0" "$a"; done', '_', shimLine.slice(2)]).stdout.split('\0');
        const script = argv[2].split('/usr/local/bin/docker-compose').join(path.join(bin, 'docker-compose'));
        assert.equal(run('sh', ['-c', script]).status, 0);
        fs.writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\nprintf "%s|" "$@"\n', { mode: 0o755 });
        const called = run(path.join(bin, 'docker-compose'), ['-f', 'docker-compose.ec2.yaml', 'up', '-d'], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
        assert.equal(called.stdout, 'compose|-f|docker-compose.ec2.yaml|up|-d|');
      } finally {
        fs.rmSync(bin, { recursive: true, force: true });
      }
      // A second run keeps .env (idempotent) and changes only what it is given.
      fs.appendFileSync(path.join(dir, '.env'), 'LOG_LEVEL=debug\n');
      const again = run(path.join(repoRoot, 'scripts/ec2-bootstrap'), ['--dry-run', '--dir', dir, '--base-workers', '1']);
      assert.equal(again.status, 0, again.stderr);
      const env2 = d.parseEnvFile(fs.readFileSync(path.join(dir, '.env'), 'utf8'));
      const get = (n) => env2.filter((e) => e.name === n).map((e) => e.value);
      assert.deepEqual(get('BASE_WORKERS'), ['1']);
      assert.deepEqual(get('POSTGRES_PASSWORD'), ['dry-run-password-from-ssm']);
      assert.deepEqual(get('CRAWLER_IMAGE'), [image]);
      assert.ok(get('LOG_LEVEL').includes('debug'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  await c.check('ec2-bootstrap: without SSM generates a URL-safe password; refuses 3 base workers, unknown options, a missing compose file', () => {
    const dir = hostDir();
    try {
      const env = { ...process.env, POSTGRES_PASSWORD: '' };
      const r = run(path.join(repoRoot, 'scripts/ec2-bootstrap'), ['--dry-run', '--dir', dir], { env });
      assert.equal(r.status, 0, r.stderr);
      const pw = d.parseEnvFile(fs.readFileSync(path.join(dir, '.env'), 'utf8')).find((e) => e.name === 'POSTGRES_PASSWORD').value;
      assert.match(pw, /^[0-9a-f]{48}$/);
      const bad = run(path.join(repoRoot, 'scripts/ec2-bootstrap'), ['--dry-run', '--dir', dir], { env: { ...process.env, POSTGRES_PASSWORD: 'p@ss/word' } });
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /URL-safe/);
      const three = run(path.join(repoRoot, 'scripts/ec2-bootstrap'), ['--dry-run', '--dir', dir, '--base-workers', '3']);
      assert.equal(three.status, 2);
      const unknown = run(path.join(repoRoot, 'scripts/ec2-bootstrap'), ['--dry-run', '--bogus']);
      assert.equal(unknown.status, 2);
      fs.rmSync(path.join(dir, 'docker-compose.ec2.yaml'));
      const missing = run(path.join(repoRoot, 'scripts/ec2-bootstrap'), ['--dry-run', '--dir', dir]);
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /missing .*docker-compose\.ec2\.yaml/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  await c.check('deploy refuses a malformed account id, region or tag', () => {
    for (const args of [['--account-id', '12345'], ['--account-id', '123456789012', '--region', 'Seoul'], ['--account-id', '123456789012', '--tag', 'a b']]) {
      const r = run(path.join(repoRoot, 'scripts/deploy'), ['--dry-run', ...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  await c.check('deploy --host: the SSM Run Command parameters are JSON whose command pulls the new tag and restarts the host', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-host-'));
    try {
      const r = run(path.join(repoRoot, 'scripts/deploy'), ['--dry-run', '--no-build', '--account-id', '210987654321',
        '--region', 'ap-northeast-2', '--tag', 't1', '--host', 'i-0abc', '--output-dir', out]);
      assert.equal(r.status, 0, r.stderr);
      const line = r.stdout.split('\n').find((l) => l.startsWith('+ aws ssm send-command'));
      assert.ok(line, r.stdout);
      // The printed line is shell-quoted (%q): let bash split it back into arguments.
      const argv = run('bash', ['-c', 'eval "set -- $1"; for a; do printf "%s\\0" "$a"; done', '_', line.slice(2)]).stdout.split('\0');
      assert.equal(argv[argv.indexOf('--instance-ids') + 1], 'i-0abc');
      assert.equal(argv[argv.indexOf('--document-name') + 1], 'AWS-RunShellScript');
      const params = JSON.parse(argv[argv.indexOf('--parameters') + 1]);
      assert.equal(params.commands.length, 1);
      const cmd = params.commands[0];
      assert.match(cmd, /^cd \/opt\/crawler && sed -i 's#\^CRAWLER_IMAGE=\.\*#CRAWLER_IMAGE=210987654321\.dkr\.ecr\.ap-northeast-2\.amazonaws\.com\/crawler:t1#' \.env/);
      assert.match(cmd, /docker compose -f docker-compose\.ec2\.yaml pull --quiet && docker compose -f docker-compose\.ec2\.yaml up -d --remove-orphans$/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  await c.check('redis-memory-report: used_memory / maxmemory from INFO as a percentage; nothing without maxmemory', () => {
    const report = (info) => run(path.join(repoRoot, 'scripts/redis-memory-report'), ['--percent-from-info'], { input: info });
    const r = report('# Memory\r\nused_memory:1717986918\r\nused_memory_human:1.60G\r\nmaxmemory:2147483648\r\nmaxmemory_human:2.00G\r\n');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '79.99');
    assert.equal(report('used_memory:100\r\nmaxmemory:0\r\n').stdout, '');
    assert.equal(report('used_memory:3\r\nmaxmemory:4\r\n').stdout.trim(), '75.00');
  });

  c.done();
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  process.exit(1);
});
