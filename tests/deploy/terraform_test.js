// infrastructure/terraform against the seed (../shared/reference/seed-summary.md): every .tf
// parses (@cdktf/hcl2json); the network, security groups, host, ECS, IAM, scaling, alarms and
// outputs say what the seed says; and the numbers Terraform applies are the same as
// cloudwatch/autoscaling.json, ecs/*.json, cloudwatch/alarms/*.json and the simulator's.
//
//   node terraform_test.js <repo root> <crawler binary>
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const assert = require('assert/strict');
const { spawnSync } = require('child_process');
const d = require('./lib/deploy');

const [repoRoot, binary] = process.argv.slice(2);
const TF = path.join(repoRoot, 'infrastructure/terraform');

// The seed's facts, stated once here.
const SEED = {
  vpc: '10.0.0.0/16',
  public: '10.0.1.0/24',
  private: '10.0.2.0/24',
  instanceType: 't3.large',
  volumeGb: 50,
  cluster: 'crawler-workers',
  service: 'crawler-worker-service',
  family: 'crawler-worker',
  cpu: '1024',
  memory: '2048',
  command: ['--process=worker'],
  workerConcurrency: '4',
  minCapacity: 0,
  maxCapacity: 50,
  targetValue: 20,
  targetCooldowns: { in: 300, out: 60 },
  // queue > 20 → +1 (60 s); < 10 → −1 (300 s); > 200 → +10 (30 s); = 0 → 0 tasks (600 s)
  steps: [
    { op: 'GreaterThanThreshold', threshold: 20, adjustment: 1, type: 'ChangeInCapacity', cooldown: 60 },
    { op: 'LessThanThreshold', threshold: 10, adjustment: -1, type: 'ChangeInCapacity', cooldown: 300 },
    { op: 'GreaterThanThreshold', threshold: 200, adjustment: 10, type: 'ChangeInCapacity', cooldown: 30 },
    { op: 'LessThanOrEqualToThreshold', threshold: 0, adjustment: 0, type: 'ExactCapacity', cooldown: 600 },
  ],
  // alarm thresholds and their topics
  alarms: [
    { metric: 'CrawlerService/QueueWaitingJobs', threshold: 100, topic: 'crawler-alerts' },
    { metric: 'CrawlerService/QueueWaitingJobs', threshold: 500, topic: 'crawler-alerts' },
    { metric: 'ECS/ContainerInsights/RunningTaskCount', threshold: 40, topic: 'cost-alerts' },
    { metric: 'AWS/EC2/CPUUtilization', threshold: 80, topic: 'crawler-alerts' },
    { metric: 'CrawlerHost/RedisMemoryUsedPercent', threshold: 80, topic: 'crawler-alerts' },
    { metric: 'CrawlerService/WorkerErrorRate', threshold: 10, topic: 'crawler-alerts' },
  ],
};

async function main() {
  const c = new d.Checks('deploy_terraform');
  let tf;
  await c.check('every .tf file parses (hcl2json), no block defined twice', async () => {
    tf = await d.loadTerraform(TF);
    assert.ok(Object.keys(tf.files).length >= 8, 'expected the configuration split by concern');
  });
  if (!tf) return c.done();
  const R = tf.resource;
  // The one data source the numbers pass through: the account id (placeholder in the files).
  const DATA = { 'data.aws_caller_identity.current.account_id': '123456789012' };
  const ev = d.tfEvaluator(tf, { data: DATA });
  const val = (expr, each) => (each === undefined ? ev.evaluate(expr) : d.tfEvaluator(tf, { each, data: DATA }).evaluate(expr));
  const ref = (type, name) => `\${${type}.${name}.id}`;
  const one = (type) => {
    const all = Object.entries(R[type] || {});
    assert.equal(all.length, 1, `expected one ${type}, found ${all.length}`);
    return all[0][1];
  };

  await c.check('split by concern: network, security, ec2, ecs, iam, scaling, alarms, variables, outputs', () => {
    for (const f of ['network.tf', 'security.tf', 'ec2.tf', 'ecs.tf', 'iam.tf', 'scaling.tf', 'alarms.tf', 'variables.tf', 'outputs.tf'])
      assert.ok(tf.files[f], `no ${f}`);
  });

  await c.check('every variable has a description and a type; only admin_cidr has no default', () => {
    const noDefault = [];
    for (const [name, v] of Object.entries(tf.variable)) {
      assert.ok(v.description && v.description.length > 10, `variable ${name} lacks a description`);
      assert.ok(v.type, `variable ${name} lacks a type`);
      if (!('default' in v)) noDefault.push(name);
    }
    assert.deepEqual(noDefault, ['admin_cidr']);
    assert.equal(val('${var.region}'), 'ap-northeast-2');
  });

  await c.check(`network: VPC ${SEED.vpc}, public ${SEED.public}, private ${SEED.private}, IGW, NAT, routes`, () => {
    const vpc = one('aws_vpc');
    assert.equal(val(vpc.cidr_block), SEED.vpc);
    const pub = R.aws_subnet.public;
    const priv = R.aws_subnet.private;
    assert.equal(val(pub.cidr_block), SEED.public);
    assert.equal(val(priv.cidr_block), SEED.private);
    const igw = one('aws_internet_gateway');
    assert.equal(igw.vpc_id, ref('aws_vpc', 'main'));
    const nat = one('aws_nat_gateway');
    assert.equal(nat.subnet_id, ref('aws_subnet', 'public'), 'the NAT gateway sits in the public subnet');
    const routes = R.aws_route_table;
    assert.equal(routes.public.route[0].cidr_block, '0.0.0.0/0');
    assert.equal(routes.public.route[0].gateway_id, ref('aws_internet_gateway', 'main'));
    assert.equal(routes.private.route[0].cidr_block, '0.0.0.0/0');
    assert.equal(routes.private.route[0].nat_gateway_id, ref('aws_nat_gateway', 'main'));
    const assoc = Object.values(R.aws_route_table_association).map((a) => [a.subnet_id, a.route_table_id]);
    assert.deepEqual(assoc.sort(), [
      [ref('aws_subnet', 'private'), ref('aws_route_table', 'private')],
      [ref('aws_subnet', 'public'), ref('aws_route_table', 'public')],
    ]);
  });

  await c.check('security groups exactly as the seed (every rule, both directions)', () => {
    const groups = Object.keys(R.aws_security_group).sort();
    assert.deepEqual(groups, ['ec2', 'ecs']);
    assert.equal(R.aws_security_group.ec2.tags.Name, 'sg-ec2-crawler');
    assert.equal(R.aws_security_group.ecs.tags.Name, 'sg-ecs-worker');
    for (const g of Object.values(R.aws_security_group))
      assert.ok(!g.ingress && !g.egress, 'rules are separate resources, not inline blocks');
    const describe = (rules) =>
      Object.values(rules || {}).filter((r) => !r.for_each).map((r) => {
        const group = /aws_security_group\.(\w+)\.id/.exec(r.security_group_id)[1];
        const port = r.ip_protocol === '-1' ? 'all' : `${r.ip_protocol}/${r.from_port}-${r.to_port}`;
        const peer = r.cidr_ipv4 ? r.cidr_ipv4 : `sg:${/aws_security_group\.(\w+)\.id/.exec(r.referenced_security_group_id)[1]}`;
        return `${group} ${port} ${peer}`;
      }).sort();
    assert.deepEqual(describe(R.aws_vpc_security_group_ingress_rule), [
      'ec2 tcp/22-22 ${var.admin_cidr}',
      'ec2 tcp/3000-3000 0.0.0.0/0',
      'ec2 tcp/5432-5432 sg:ec2',
      'ec2 tcp/5432-5432 sg:ecs',
      'ec2 tcp/6379-6379 sg:ec2',
      'ec2 tcp/6379-6379 sg:ecs',
    ]);
    assert.deepEqual(describe(R.aws_vpc_security_group_egress_rule), [
      'ec2 all 0.0.0.0/0',
      'ecs tcp/443-443 0.0.0.0/0',
      'ecs tcp/5432-5432 sg:ec2',
      'ecs tcp/6379-6379 sg:ec2',
    ]);
    // The one optional rule (a crawl proxy port) is empty by default.
    const extra = Object.values(R.aws_vpc_security_group_egress_rule).filter((r) => r.for_each);
    assert.equal(extra.length, 1);
    assert.deepEqual(tf.variable.worker_extra_egress_ports.default, []);
    // admin_cidr: required, and 0.0.0.0/0 refused.
    assert.ok(!('default' in tf.variable.admin_cidr));
    assert.match(JSON.stringify(tf.variable.admin_cidr.validation), /0\.0\.0\.0\/0/);
  });

  await c.check(`EC2 host: ${SEED.instanceType}, ${SEED.volumeGb} GB gp3, Elastic IP, public subnet, user data runs ec2-bootstrap with the compose file`, () => {
    const host = R.aws_instance.host;
    assert.equal(val(host.instance_type), SEED.instanceType);
    assert.equal(host.subnet_id, ref('aws_subnet', 'public'));
    assert.deepEqual(host.vpc_security_group_ids, [ref('aws_security_group', 'ec2')]);
    const disk = host.root_block_device[0];
    assert.equal(disk.volume_type, 'gp3');
    assert.equal(val(disk.volume_size), SEED.volumeGb);
    assert.equal(host.metadata_options[0].http_tokens, 'required');
    assert.equal(R.aws_eip.host.instance, ref('aws_instance', 'host'));
    // The user data template embeds the files ec2-bootstrap needs and runs it.
    const tpl = d.readText(path.join(TF, 'user-data.sh.tftpl'));
    const userData = tf.locals.user_data;
    for (const f of ['docker-compose.ec2.yaml', '.env.example', 'cloudwatch/agent.json', 'scripts/redis-memory-report', 'scripts/ec2-bootstrap']) {
      assert.ok(userData.includes(`/${f}`), `user data does not embed ${f}`);
      assert.ok(fs.existsSync(path.join(repoRoot, f)), `${f} missing`);
    }
    const flags = [...tpl.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]);
    const help = spawnSync(path.join(repoRoot, 'scripts/ec2-bootstrap'), ['--help'], { encoding: 'utf8' }).stdout;
    for (const f of flags) assert.ok(help.includes(f), `ec2-bootstrap --help does not know ${f}`);
    assert.ok(flags.includes('--postgres-password-parameter'));
  });

  await c.check('the rendered user data fits EC2\'s 16 KB (gzip, as ec2.tf sends it), every template variable given', () => {
    const tpl = d.readText(path.join(TF, 'user-data.sh.tftpl'));
    const m = /templatefile\("\$\{path\.module\}\/user-data\.sh\.tftpl", \{([\s\S]*)\}\)$/.exec(tf.locals.user_data.replace(/^\$\{|\}$/g, ''));
    assert.ok(m, tf.locals.user_data);
    const vars = {};
    for (const line of m[1].split('\n')) {
      const kv = /^\s*(\w+)\s*=\s*(.+?)\s*$/.exec(line);
      if (!kv) continue;
      const f = /^file\("\$\{local\.repo_root\}\/(.+)"\)$/.exec(kv[2]);
      vars[kv[1]] = f ? d.readText(path.join(repoRoot, f[1])) : 'x'.repeat(120); // ids, image: generous
    }
    const used = [...tpl.matchAll(/\$\{(\w+)\}/g)].map((x) => x[1]);
    for (const u of used) assert.ok(u in vars, `template variable ${u} not given`);
    for (const v of Object.keys(vars)) assert.ok(used.includes(v), `variable ${v} given but unused`);
    assert.ok(!/%\{/.test(tpl), 'no template directives');
    const rendered = tpl.replace(/\$\{(\w+)\}/g, (_, k) => vars[k]);
    for (const v of Object.values(vars)) assert.ok(!v.includes('CRAWLER_FILE_END'), 'a file contains the heredoc delimiter');
    const size = require('zlib').gzipSync(rendered).length;
    assert.match(tf.resource.aws_instance.host.user_data_base64, /base64gzip\(local\.user_data\)/);
    assert.ok(size < 16384, `gzip'd user data is ${size} bytes`);
  });

  await c.check('ECS: cluster, service and task definition from ecs/*.json with the seed\'s numbers', () => {
    const svcJson = d.readJson(path.join(repoRoot, 'ecs/service.json'));
    const tdJson = d.readJson(path.join(repoRoot, 'ecs/task-definition.json'));
    assert.equal(val(R.aws_ecs_cluster.workers.name), SEED.cluster);
    const svc = R.aws_ecs_service.worker;
    assert.equal(val(svc.name), SEED.service);
    assert.equal(val(svc.desired_count), 0);
    assert.equal(val(svc.launch_type.replace(/^\$\{var\.use_fargate_spot \? null : (.*)\}$/, '${$1}')), 'FARGATE');
    const net = svc.network_configuration[0];
    assert.deepEqual(net.subnets, [ref('aws_subnet', 'private')]);
    assert.deepEqual(net.security_groups, [ref('aws_security_group', 'ecs')]);
    assert.equal(svcJson.networkConfiguration.awsvpcConfiguration.assignPublicIp, 'DISABLED');
    assert.match(net.assign_public_ip, /assignPublicIp == "ENABLED"/);
    assert.match(JSON.stringify(svc.dynamic), /FARGATE_SPOT/, 'FARGATE_SPOT capacity provider strategy (optional)');
    assert.deepEqual(svc.lifecycle[0].ignore_changes, ['${desired_count}', '${task_definition}']);
    const td = R.aws_ecs_task_definition.worker;
    assert.equal(val(td.family), SEED.family);
    assert.equal(val(td.cpu), SEED.cpu);
    assert.equal(val(td.memory), SEED.memory);
    assert.deepEqual(val(td.requires_compatibilities), ['FARGATE']);
    assert.equal(val(td.network_mode), 'awsvpc');
    assert.match(td.container_definitions, /local\.worker_container/);
    const container = ev.local('worker_container');
    assert.deepEqual(container.command, SEED.command);
    assert.equal(container.environment.find((e) => e.name === 'WORKER_CONCURRENCY').value, SEED.workerConcurrency);
    assert.equal(tdJson.cpu, SEED.cpu);
    assert.equal(tdJson.memory, SEED.memory);
    assert.equal(svcJson.cluster, SEED.cluster);
    assert.equal(svcJson.serviceName, SEED.service);
    assert.equal(svcJson.desiredCount, 0);
  });

  await c.check('IAM: the task role may only cloudwatch:PutMetricData; the execution role reads exactly the task\'s secrets', () => {
    const docs = tf.data.aws_iam_policy_document;
    const taskPolicies = Object.values(R.aws_iam_role_policy).filter((p) => p.role === '${aws_iam_role.task.id}');
    assert.equal(taskPolicies.length, 1);
    const attached = Object.values(R.aws_iam_role_policy_attachment || {}).filter((a) => /aws_iam_role\.task\./.test(a.role));
    assert.equal(attached.length, 0, 'no managed policy on the task role');
    const doc = docs[/data\.aws_iam_policy_document\.(\w+)\.json/.exec(taskPolicies[0].policy)[1]];
    assert.equal(doc.statement.length, 1);
    assert.deepEqual(doc.statement[0].actions, ['cloudwatch:PutMetricData']);
    assert.ok(!doc.statement[0].effect || doc.statement[0].effect === 'Allow');
    const td = ev.local('task_definition');
    assert.equal(val(R.aws_iam_role.task.name), td.taskRoleArn.split('/')[1]);
    assert.equal(val(R.aws_iam_role.task_execution.name), td.executionRoleArn.split('/')[1]);
    const secretsDoc = docs.task_execution_secrets.statement[0];
    assert.deepEqual(secretsDoc.actions, ['ssm:GetParameters']);
    assert.match(secretsDoc.resources, /local\.worker_container\.secrets/);
    // And every secret the task definition reads is a parameter Terraform creates.
    const params = Object.values(R.aws_ssm_parameter).map((p) => p.name).sort();
    const wanted = td.containerDefinitions[0].secrets.map((s) => s.valueFrom.replace(/^.*:parameter/, '')).sort();
    assert.deepEqual(params, wanted);
    for (const p of Object.values(R.aws_ssm_parameter)) assert.equal(p.type, 'SecureString');
    assert.ok(R.aws_ssm_parameter.database_url.value_wo && !R.aws_ssm_parameter.database_url.value, 'the password stays out of the state');
  });

  await c.check('log groups with retention (the task definition\'s awslogs group among them)', () => {
    const groups = Object.values(R.aws_cloudwatch_log_group);
    assert.ok(groups.length >= 1);
    for (const g of groups) assert.equal(val(g.retention_in_days), 30);
    const td = ev.local('task_definition');
    assert.ok(groups.some((g) => val(g.name) === td.containerDefinitions[0].logConfiguration.options['awslogs-group']));
  });

  const autoscaling = d.readJson(path.join(repoRoot, 'cloudwatch/autoscaling.json'));
  await c.check(`cloudwatch/autoscaling.json holds the seed's policy: ${SEED.minCapacity}-${SEED.maxCapacity} tasks, target ${SEED.targetValue}, four steps`, () => {
    const t = autoscaling.ScalableTarget;
    assert.equal(t.MinCapacity, SEED.minCapacity);
    assert.equal(t.MaxCapacity, SEED.maxCapacity);
    assert.equal(t.ResourceId, `service/${SEED.cluster}/${SEED.service}`);
    const tt = autoscaling.Policies.filter((p) => p.PolicyType === 'TargetTrackingScaling');
    assert.equal(tt.length, 1);
    const cfg = tt[0].TargetTrackingScalingPolicyConfiguration;
    assert.equal(cfg.TargetValue, SEED.targetValue);
    assert.equal(cfg.ScaleInCooldown, SEED.targetCooldowns.in);
    assert.equal(cfg.ScaleOutCooldown, SEED.targetCooldowns.out);
    assert.equal(cfg.CustomizedMetricSpecification.MetricName, 'QueueWaitingJobs');
    assert.equal(cfg.CustomizedMetricSpecification.Namespace, 'CrawlerService');
    assert.ok(!('PredefinedMetricSpecification' in cfg) && !JSON.stringify(cfg).includes('PredefinedMetricType'));
    const steps = autoscaling.Policies.filter((p) => p.PolicyType === 'StepScaling').map((p) => ({
      op: p.Alarm.ComparisonOperator,
      threshold: p.Alarm.Threshold,
      adjustment: p.StepScalingPolicyConfiguration.StepAdjustments[0].ScalingAdjustment,
      type: p.StepScalingPolicyConfiguration.AdjustmentType,
      cooldown: p.StepScalingPolicyConfiguration.Cooldown,
    }));
    const order = (list) => list.map((x) => JSON.stringify(x)).sort();
    assert.deepEqual(order(steps), order(SEED.steps));
  });

  await c.check('Terraform applies exactly the file\'s target, cooldowns, steps and step alarms (evaluated per policy)', () => {
    const target = R.aws_appautoscaling_target.workers;
    assert.equal(val(target.min_capacity), SEED.minCapacity);
    assert.equal(val(target.max_capacity), SEED.maxCapacity);
    assert.equal(val(target.scalable_dimension), 'ecs:service:DesiredCount');
    assert.equal(val(target.service_namespace), 'ecs');
    const byName = ev.local('scaling_policies');
    assert.deepEqual(Object.keys(byName).sort(), autoscaling.Policies.map((p) => p.PolicyName).sort());
    const tt = R.aws_appautoscaling_policy.target_tracking;
    const stepRes = R.aws_appautoscaling_policy.step;
    const alarmRes = R.aws_cloudwatch_metric_alarm.step;
    let nTT = 0;
    let nStep = 0;
    for (const p of autoscaling.Policies) {
      if (p.PolicyType === 'TargetTrackingScaling') {
        nTT++;
        const cfg = tt.target_tracking_scaling_policy_configuration[0];
        const f = p.TargetTrackingScalingPolicyConfiguration;
        assert.equal(val(cfg.target_value, p), f.TargetValue);
        assert.equal(val(cfg.scale_in_cooldown, p), f.ScaleInCooldown);
        assert.equal(val(cfg.scale_out_cooldown, p), f.ScaleOutCooldown);
        const m = cfg.customized_metric_specification[0];
        assert.equal(val(m.metric_name, p), f.CustomizedMetricSpecification.MetricName);
        assert.equal(val(m.statistic, p), f.CustomizedMetricSpecification.Statistic);
      } else {
        nStep++;
        const cfg = stepRes.step_scaling_policy_configuration[0];
        const f = p.StepScalingPolicyConfiguration;
        assert.equal(val(cfg.cooldown, p), f.Cooldown);
        assert.equal(val(cfg.adjustment_type, p), f.AdjustmentType);
        assert.equal(val(cfg.dynamic.step_adjustment[0].for_each, p), f.StepAdjustments);
        assert.equal(val(alarmRes.threshold, p), p.Alarm.Threshold);
        assert.equal(val(alarmRes.comparison_operator, p), p.Alarm.ComparisonOperator);
        assert.equal(val(alarmRes.period, p), p.Alarm.Period);
        assert.equal(val(alarmRes.metric_name, p), 'QueueWaitingJobs');
        assert.equal(val(alarmRes.namespace, p), 'CrawlerService');
      }
    }
    assert.equal(nTT, 1);
    assert.equal(nStep, 4);
    assert.equal(ev.local('autoscaling').ScalableTarget.MaxCapacity, autoscaling.ScalableTarget.MaxCapacity);
    assert.match(tt.for_each, /TargetTrackingScaling/);
    assert.equal(stepRes.for_each, '${local.step_policies}');
  });

  await c.check('the simulator reads the same file and honours its capacity (crawler simulate)', () => {
    const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
    const help = spawnSync(binary, ['simulate', '--help'], { encoding: 'utf8', env }).stdout;
    assert.match(help, /--policy TEXT\s+policy file \[default: cloudwatch\/autoscaling\.json\]/);
    assert.equal(tf.locals.autoscaling, '${jsondecode(file("${local.repo_root}/cloudwatch/autoscaling.json"))}');
    assert.equal(val('${local.repo_root}'), './../..');
    // The file's MaxCapacity is what the simulated fleet stops at: 50 with the file, 3 with a
    // copy that says 3 (so the simulator's numbers are this file's, not its own).
    const simulate = (policyFile) => {
      const r = spawnSync(binary, ['simulate', '--policy', policyFile, '--scenario', 'heavy'], { encoding: 'utf8', env, cwd: repoRoot });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const peak = (policyFile) => {
      const out = simulate(policyFile).split('\n');
      const header = out.find((l) => /^scenario\s/.test(l)).trim().split(/\s+/);
      const row = out.find((l) => /^heavy\s+policy\s/.test(l)).trim().split(/\s+/);
      assert.equal(header[3], 'peak');
      return Number(row[3]);
    };
    // What the simulator says it loaded: the file's policy counts and capacity.
    const loaded = /policy (\S+): (\d+) step policies, (\d+) target-tracking, capacity (\d+)\.\.(\d+)/.exec(
      simulate(path.join(repoRoot, 'cloudwatch/autoscaling.json')));
    assert.ok(loaded, 'simulate does not print the policy it loaded');
    assert.deepEqual(loaded.slice(2).map(Number), [4, 1, SEED.minCapacity, SEED.maxCapacity]);
    const full = peak(path.join(repoRoot, 'cloudwatch/autoscaling.json'));
    assert.ok(full > 3 && full <= SEED.maxCapacity, `peak ${full}`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-policy-'));
    try {
      const capped = JSON.parse(JSON.stringify(autoscaling));
      capped.ScalableTarget.MaxCapacity = 3;
      fs.writeFileSync(path.join(tmp, 'capped.json'), JSON.stringify(capped));
      assert.equal(peak(path.join(tmp, 'capped.json')), 3);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  await c.check('alarms: the seed\'s six, from cloudwatch/alarms/*.json, thresholds and topics as the seed', () => {
    const files = fs.readdirSync(path.join(repoRoot, 'cloudwatch/alarms')).filter((f) => f.endsWith('.json'));
    const alarms = files.map((f) => d.readJson(path.join(repoRoot, 'cloudwatch/alarms', f)));
    const got = alarms.map((a) => ({
      metric: `${a.Namespace}/${a.MetricName}`,
      threshold: a.Threshold,
      topic: a.AlarmActions.map((x) => x.split(':').pop()).join(','),
    }));
    const key = (x) => `${x.metric} ${x.threshold} ${x.topic}`;
    assert.deepEqual(got.map(key).sort(), SEED.alarms.map(key).sort());
    for (const a of alarms) {
      assert.equal(a.ComparisonOperator, 'GreaterThanThreshold', a.AlarmName);
      assert.equal(`${a.AlarmName}.json`, files[alarms.indexOf(a)], 'file named after the alarm');
    }
    assert.equal(R.aws_cloudwatch_metric_alarm.seed.for_each, '${local.alarms}');
    assert.match(tf.locals.alarm_files, /fileset\("\$\{local\.repo_root\}\/cloudwatch\/alarms", "\*\.json"\)/);
    const evaluated = ev.local('alarms');
    assert.deepEqual(Object.keys(evaluated).sort(), files.map((f) => f.replace(/\.json$/, '')).sort());
    for (const a of Object.values(evaluated))
      for (const arn of a.AlarmActions) assert.match(arn, /^arn:aws:sns:ap-northeast-2:123456789012:(crawler|cost)-alerts$/);
    for (const a of alarms) {
      const res = R.aws_cloudwatch_metric_alarm.seed;
      assert.equal(val(res.threshold, a), a.Threshold);
      assert.equal(val(res.metric_name, a), a.MetricName);
      assert.deepEqual(val(res.alarm_actions, a), a.AlarmActions);
    }
    const topics = Object.values(R.aws_sns_topic).map((t) => t.name).sort();
    assert.deepEqual(topics, ['cost-alerts', 'crawler-alerts']);
  });

  await c.check('dashboard from cloudwatch/dashboard.json; ECR repository; Container Insights on', () => {
    assert.match(R.aws_cloudwatch_dashboard.crawler.dashboard_body, /cloudwatch\/dashboard\.json/);
    assert.ok(R.aws_ecr_repository.crawler);
    const insights = R.aws_ecs_cluster.workers.setting.find((s) => s.name === 'containerInsights');
    assert.equal(insights.value, 'enabled');
  });

  await c.check('outputs: Elastic IP, cluster, service, ECR URL (each described)', () => {
    const outs = tf.output;
    const want = {
      host_public_ip: 'aws_eip.host.public_ip',
      ecs_cluster: 'aws_ecs_cluster.workers.name',
      ecs_service: 'aws_ecs_service.worker.name',
      ecr_repository_url: 'aws_ecr_repository.crawler.repository_url',
    };
    for (const [name, expr] of Object.entries(want)) {
      assert.ok(outs[name], `no output ${name}`);
      assert.equal(outs[name].value, `\${${expr}}`);
    }
    for (const [name, o] of Object.entries(outs)) assert.ok(o.description, `output ${name} lacks a description`);
  });

  await c.check('negative: a .tf syntax error is reported by the parser', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-tf-'));
    try {
      fs.writeFileSync(path.join(tmp, 'broken.tf'), 'resource "aws_vpc" "x" {\n  cidr_block = \n');
      await assert.rejects(d.loadTerraform(tmp), /broken\.tf: does not parse/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  c.done();
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  process.exit(1);
});
