// `terraform fmt -check`, `terraform validate` and `terraform test` on infrastructure/terraform,
// with the AWS provider from a local plugin directory (no registry access needed): every
// resource's arguments against the provider's schema, and the configuration applied to a mocked
// provider (infrastructure/terraform/tests/seed.tftest.hcl), which parsing alone cannot do.
// Terraform is not a Debian or npm package, so this runs only where a terraform binary and a
// provider mirror exist (TERRAFORM, default `terraform` on PATH; TF_PLUGIN_DIR, default
// /opt/tf-plugins); elsewhere it exits 77 (CTest: skipped), saying so.
//
//   node terraform_validate_test.js <repo root>
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const assert = require('assert/strict');
const { spawnSync } = require('child_process');
const d = require('./lib/deploy');

const [repoRoot] = process.argv.slice(2);
const TERRAFORM = process.env.TERRAFORM || 'terraform';
const PLUGINS = process.env.TF_PLUGIN_DIR || '/opt/tf-plugins';

if (spawnSync(TERRAFORM, ['version'], { encoding: 'utf8' }).error) d.skip(`no ${TERRAFORM} binary (not packaged in Debian or npm)`);
if (!fs.existsSync(path.join(PLUGINS, 'registry.terraform.io/hashicorp/aws'))) d.skip(`no AWS provider under ${PLUGINS} (TF_PLUGIN_DIR)`);

async function main() {
  const c = new d.Checks('deploy_terraform_validate');
  // A scratch copy of the module in the repository's layout (its files read ../../cloudwatch
  // etc.), so that init's .terraform and lock file stay out of the work tree.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-tfv-'));
  const mod = path.join(tmp, 'infrastructure/terraform');
  fs.mkdirSync(path.dirname(mod), { recursive: true });
  fs.cpSync(path.join(repoRoot, 'infrastructure/terraform'), mod, {
    recursive: true,
    filter: (src) => !/\.terraform|terraform\.tfstate/.test(path.basename(src)),
  });
  for (const f of ['cloudwatch', 'ecs', 'scripts', 'docker-compose.ec2.yaml', '.env.example'])
    fs.symlinkSync(path.join(repoRoot, f), path.join(tmp, f));
  fs.writeFileSync(path.join(tmp, 'terraformrc'), '');
  const env = { ...process.env, TF_CLI_CONFIG_FILE: path.join(tmp, 'terraformrc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  const tf = (...args) => spawnSync(TERRAFORM, args, { cwd: mod, encoding: 'utf8', env });

  try {
    await c.check('terraform fmt -check: the files are in canonical format', () => {
      const r = tf('fmt', '-check', '-diff', '-no-color');
      assert.equal(r.status, 0, `not formatted (terraform fmt):\n${r.stdout}${r.stderr}`);
    });

    await c.check(`terraform init with the provider from ${PLUGINS}`, () => {
      const r = tf('init', '-backend=false', '-input=false', '-no-color', `-plugin-dir=${PLUGINS}`);
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    });

    await c.check('terraform validate: every argument against the provider schema, every reference, every file() path', () => {
      const r = tf('validate', '-json', '-no-color');
      const out = JSON.parse(r.stdout);
      const msgs = (out.diagnostics || []).map((x) => `${x.severity}: ${x.summary} ${x.detail || ''} ${x.range ? `${x.range.filename}:${x.range.start.line}` : ''}`);
      assert.equal(out.valid, true, msgs.join('\n'));
      assert.deepEqual(msgs.filter((m) => m.startsWith('warning')), [], 'warnings');
    });

    await c.check('terraform test (tests/*.tftest.hcl): the configuration applied to a mocked AWS provider has the seed\'s values', () => {
      // Terraform 1.11's mock providers cannot mock ephemeral resources: the copy drops the
      // ephemeral password read and the one parameter written from it (ssm.tf), which the
      // test's variables switch off anyway (manage_database_url = false).
      const ssm = path.join(mod, 'ssm.tf');
      let text = fs.readFileSync(ssm, 'utf8');
      for (const header of ['ephemeral "aws_ssm_parameter" "postgres_password"', 'resource "aws_ssm_parameter" "database_url"'])
        text = dropBlock(text, header);
      fs.writeFileSync(ssm, text);
      const r = tf('test', '-no-color');
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
      const passed = /Success! (\d+) passed, 0 failed/.exec(r.stdout);
      assert.ok(passed && Number(passed[1]) >= 3, r.stdout);
    });

    await c.check('negative: validate rejects an argument the provider does not have', () => {
      const bad = path.join(mod, 'zz_negative.tf');
      fs.writeFileSync(bad, 'resource "aws_sns_topic" "zz" {\n  name    = "x"\n  colour  = "red"\n}\n');
      try {
        const r = tf('validate', '-json', '-no-color');
        const out = JSON.parse(r.stdout);
        assert.equal(out.valid, false);
        assert.ok(out.diagnostics.some((x) => /colour/.test(`${x.summary} ${x.detail}`)), JSON.stringify(out.diagnostics));
      } finally {
        fs.rmSync(bad);
      }
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  c.done();
}

// Removes the HCL block that starts with `header` (braces balanced; our files have no braces in
// strings inside these blocks except ${ }, which balance too).
function dropBlock(text, header) {
  const start = text.indexOf(header);
  if (start < 0) throw new Error(`no ${header}`);
  let depth = 0;
  for (let i = text.indexOf('{', start); i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(0, start) + text.slice(i + 1);
  }
  throw new Error(`unbalanced ${header}`);
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  process.exit(1);
});
