// Each deployment JSON file against the AWS API input it feeds, using the operation schemas
// the AWS SDK clients ship (member names, types, required members, recursively; closed
// string sets against the SDK's enums):
//   ecs/task-definition.json           RegisterTaskDefinition   (aws ecs register-task-definition --cli-input-json)
//   ecs/service.json, service-spot.json CreateService           (aws ecs create-service --cli-input-json)
//   cloudwatch/autoscaling*.json       RegisterScalableTarget + PutScalingPolicy per policy + PutMetricAlarm per step alarm
//   cloudwatch/alarms/*.json           PutMetricAlarm           (aws cloudwatch put-metric-alarm --cli-input-json)
//   cloudwatch/dashboard.json          PutDashboard's DashboardBody (the dashboard body structure)
//   scripts/deploy --dry-run's rendered task definition
// and the metrics they name are ones something publishes: our binary (src/metrics/publisher.cpp),
// the CloudWatch agent (cloudwatch/agent.json + scripts/redis-memory-report), or AWS.
// Negative checks prove the validator rejects unknown members, wrong types and bad enums.
//
//   node aws_shapes_test.js <repo root> <crawler binary>
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const assert = require('assert/strict');
const { spawnSync } = require('child_process');
const d = require('./lib/deploy');

const [repoRoot, binary] = process.argv.slice(2);
const ecs = d.peer('@aws-sdk/client-ecs');
const aas = d.peer('@aws-sdk/client-application-auto-scaling');
const cw = d.peer('@aws-sdk/client-cloudwatch');

const ECS_ENUMS = {
  networkMode: ecs.NetworkMode,
  requiresCompatibilities: ecs.Compatibility,
  launchType: ecs.LaunchType,
  assignPublicIp: ecs.AssignPublicIp,
  logDriver: ecs.LogDriver,
  propagateTags: ecs.PropagateTags,
  cpuArchitecture: ecs.CPUArchitecture,
  operatingSystemFamily: ecs.OSFamily,
  capacityProvider: ['FARGATE', 'FARGATE_SPOT'],
};
const AAS_ENUMS = {
  ServiceNamespace: aas.ServiceNamespace,
  ScalableDimension: aas.ScalableDimension,
  PolicyType: aas.PolicyType,
  AdjustmentType: aas.AdjustmentType,
  MetricAggregationType: aas.MetricAggregationType,
  Statistic: aas.MetricStatistic,
};
const CW_ENUMS = {
  ComparisonOperator: cw.ComparisonOperator,
  Statistic: cw.Statistic,
  Unit: cw.StandardUnit,
  TreatMissingData: ['breaching', 'notBreaching', 'ignore', 'missing'],
};

const shape = {
  registerTaskDefinition: (v) => d.validateShape(v, d.schemaOf('@aws-sdk/client-ecs', 'RegisterTaskDefinitionRequest'), { enums: ECS_ENUMS }),
  createService: (v) => d.validateShape(v, d.schemaOf('@aws-sdk/client-ecs', 'CreateServiceRequest'), { enums: ECS_ENUMS }),
  registerScalableTarget: (v) => d.validateShape(v, d.schemaOf('@aws-sdk/client-application-auto-scaling', 'RegisterScalableTargetRequest'), { enums: AAS_ENUMS }),
  putScalingPolicy: (v) => d.validateShape(v, d.schemaOf('@aws-sdk/client-application-auto-scaling', 'PutScalingPolicyRequest'), { enums: AAS_ENUMS }),
  putMetricAlarm: (v) => d.validateShape(v, d.schemaOf('@aws-sdk/client-cloudwatch', 'PutMetricAlarmInput'), { enums: CW_ENUMS }),
  putDashboard: (v) => d.validateShape(v, d.schemaOf('@aws-sdk/client-cloudwatch', 'PutDashboardInput')),
};
const noErrors = (errors, what) => assert.deepEqual(errors, [], `${what}:\n${errors.join('\n')}`);

// What docs/deployment.md's by-hand path sends for each policy of an autoscaling file: the
// policy without our "Alarm" member, plus the target's identity; and its alarm with the
// policy's ARN as action.
function scalingInputs(file) {
  const j = d.readJson(file);
  const id = {
    ServiceNamespace: j.ScalableTarget.ServiceNamespace,
    ResourceId: j.ScalableTarget.ResourceId,
    ScalableDimension: j.ScalableTarget.ScalableDimension,
  };
  return {
    target: j.ScalableTarget,
    policies: j.Policies.map(({ Alarm, ...policy }) => ({ ...policy, ...id })),
    alarms: j.Policies.filter((p) => p.Alarm).map((p) => ({
      ...p.Alarm,
      AlarmActions: [`arn:aws:autoscaling:ap-northeast-2:123456789012:scalingPolicy:uuid:resource/ecs/${id.ResourceId}:policyName/${p.PolicyName}`],
    })),
    raw: j,
  };
}

// The metrics something publishes, by "Namespace/MetricName".
function publishedMetrics() {
  const out = new Set();
  const header = d.readText(path.join(repoRoot, 'src/metrics/publisher.h'));
  const ns = /kNamespace = "([^"]+)"/.exec(header);
  assert.ok(ns, 'publisher.h: no kNamespace');
  const publisher = d.readText(path.join(repoRoot, 'src/metrics/publisher.cpp'));
  for (const m of publisher.matchAll(/out\.push_back\(\{"([A-Za-z]+)"/g)) out.add(`${ns[1]}/${m[1]}`);
  assert.ok(out.has('CrawlerService/QueueWaitingJobs'), 'publisher.cpp no longer publishes QueueWaitingJobs?');
  const agent = d.readJson(path.join(repoRoot, 'cloudwatch/agent.json'));
  const agentNs = agent.metrics.namespace;
  const collected = agent.metrics.metrics_collected;
  for (const [plugin, cfg] of Object.entries(collected)) {
    for (const m of cfg.measurement || []) {
      const name = typeof m === 'string' ? m : m.name;
      out.add(`${agentNs}/${name.startsWith(plugin + '_') ? name : `${plugin}_${name}`}`);
    }
  }
  if (collected.statsd) {
    const report = d.readText(path.join(repoRoot, 'scripts/redis-memory-report'));
    for (const m of report.matchAll(/printf '([A-Za-z]+):%s\|g'/g)) out.add(`${agentNs}/${m[1]}`);
  }
  // AWS's own: EC2 (detailed monitoring on, ec2.tf) and Container Insights (ecs.tf).
  for (const m of ['AWS/EC2/CPUUtilization', 'ECS/ContainerInsights/RunningTaskCount', 'ECS/ContainerInsights/DesiredTaskCount']) out.add(m);
  return out;
}

async function main() {
  const c = new d.Checks('deploy_aws_shapes');
  const published = publishedMetrics();

  await c.check('negative: the validator rejects unknown members, wrong types, bad enums, missing required members', () => {
    const td = d.readJson(path.join(repoRoot, 'ecs/task-definition.json'));
    const bad = JSON.parse(JSON.stringify(td));
    bad.cpus = '1024';
    bad.memory = 2048;
    bad.containerDefinitions[0].healthCheck.intervall = 30;
    bad.containerDefinitions[0].essential = 'yes';
    bad.networkMode = 'vpc';
    delete bad.family;
    const errors = shape.registerTaskDefinition(bad);
    for (const want of ['$.cpus: unknown member', '$.memory: expected a string', '$.containerDefinitions[0].healthCheck.intervall: unknown member',
      '$.containerDefinitions[0].essential: expected a boolean', '$.networkMode: "vpc" is not one of', 'missing required member family'])
      assert.ok(errors.some((e) => e.includes(want)), `not reported: ${want}\n${errors.join('\n')}`);
    assert.equal(errors.length, 6, errors.join('\n'));
    // The seed's own invalid policy: PredefinedMetricType next to a customized metric.
    const seedPolicy = {
      PolicyName: 'x', ServiceNamespace: 'ecs', ResourceId: 'service/a/b', ScalableDimension: 'ecs:service:DesiredCount',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 20, PredefinedMetricType: 'CustomMetric' },
    };
    assert.ok(shape.putScalingPolicy(seedPolicy).some((e) => e.includes('PredefinedMetricType: unknown member')));
    assert.ok(shape.putMetricAlarm({ AlarmName: 'a', EvaluationPeriods: 1, ComparisonOperator: 'Above' }).some((e) => e.includes('"Above" is not one of')));
  });

  await c.check('ecs/task-definition.json is a RegisterTaskDefinition input', () => {
    noErrors(shape.registerTaskDefinition(d.readJson(path.join(repoRoot, 'ecs/task-definition.json'))), 'task definition');
  });

  await c.check('task definition: FARGATE 1 vCPU / 2 GB, ["--process=worker"], WORKER_CONCURRENCY=4, awslogs, stop timeout above the drain, health check, passwords only as SSM secrets', () => {
    const td = d.readJson(path.join(repoRoot, 'ecs/task-definition.json'));
    assert.deepEqual(td.requiresCompatibilities, ['FARGATE']);
    assert.equal(td.networkMode, 'awsvpc');
    assert.equal(td.cpu, '1024');
    assert.equal(td.memory, '2048');
    assert.equal(td.containerDefinitions.length, 1);
    const k = td.containerDefinitions[0];
    assert.deepEqual(k.command, ['--process=worker']);
    const env = Object.fromEntries(k.environment.map((e) => [e.name, e.value]));
    assert.equal(env.WORKER_CONCURRENCY, '4');
    assert.equal(k.logConfiguration.logDriver, 'awslogs');
    const drainMs = Number(env.SHUTDOWN_TIMEOUT_MS || 25000);
    assert.ok(k.stopTimeout * 1000 > drainMs, `stopTimeout ${k.stopTimeout}s must exceed SHUTDOWN_TIMEOUT_MS ${drainMs}`);
    assert.ok(k.stopTimeout <= 120, 'Fargate allows at most 120 s');
    assert.match(k.healthCheck.command.join(' '), new RegExp(`127\\.0\\.0\\.1:${env.WORKER_PORT}/health`));
    for (const s of k.secrets) assert.match(s.valueFrom, /^arn:aws:(ssm|secretsmanager):/);
    assert.deepEqual(k.secrets.map((s) => s.name).sort(), ['DATABASE_URL', 'PROXY_PASS', 'REDIS_URL']);
    for (const [name, value] of Object.entries(env)) {
      assert.ok(!/PASS|SECRET|TOKEN|API_KEYS/.test(name), `${name} belongs in secrets`);
      assert.ok(!/:\/\/[^/]*@/.test(value), `${name} carries credentials in a URL`);
    }
    // Every variable the container sets is one the binary reads (HEALTH_PORT: the image's healthcheck).
    const known = d.crawlerEnvVars(binary).all;
    for (const name of [...Object.keys(env), ...k.secrets.map((s) => s.name)])
      if (name !== 'HEALTH_PORT') assert.ok(known.has(name), `the binary does not read ${name}`);
  });

  for (const f of ['service.json', 'service-spot.json']) {
    await c.check(`ecs/${f} is a CreateService input: desired 0, private subnet, no public IP, worker group`, () => {
      const s = d.readJson(path.join(repoRoot, 'ecs', f));
      noErrors(shape.createService(s), f);
      assert.equal(s.desiredCount, 0);
      assert.equal(s.networkConfiguration.awsvpcConfiguration.assignPublicIp, 'DISABLED');
      assert.deepEqual(s.networkConfiguration.awsvpcConfiguration.subnets, ['PRIVATE_SUBNET_ID']);
      assert.deepEqual(s.networkConfiguration.awsvpcConfiguration.securityGroups, ['ECS_WORKER_SECURITY_GROUP_ID']);
      assert.ok(!(s.launchType && s.capacityProviderStrategy), 'launchType and a capacity provider strategy exclude each other');
      if (f === 'service-spot.json') assert.ok(s.capacityProviderStrategy.some((p) => p.capacityProvider === 'FARGATE_SPOT'));
      else assert.equal(s.launchType, 'FARGATE');
    });
  }

  for (const f of ['autoscaling.json', 'autoscaling-backlog.json']) {
    await c.check(`cloudwatch/${f}: the target, each policy and each step alarm are valid inputs; alarms on published metrics`, () => {
      const x = scalingInputs(path.join(repoRoot, 'cloudwatch', f));
      assert.deepEqual(Object.keys(x.raw).sort(), ['Comment', 'Policies', 'ScalableTarget']);
      noErrors(shape.registerScalableTarget(x.target), `${f} ScalableTarget`);
      x.policies.forEach((p) => noErrors(shape.putScalingPolicy(p), `${f} ${p.PolicyName}`));
      x.alarms.forEach((a) => noErrors(shape.putMetricAlarm(a), `${f} alarm ${a.AlarmName}`));
      for (const p of x.raw.Policies) {
        const metric = p.Alarm || (p.TargetTrackingScalingPolicyConfiguration || {}).CustomizedMetricSpecification;
        assert.ok(published.has(`${metric.Namespace}/${metric.MetricName}`), `${p.PolicyName}: nothing publishes ${metric.Namespace}/${metric.MetricName}`);
        if (p.PolicyType === 'StepScaling') {
          const adj = p.StepScalingPolicyConfiguration.StepAdjustments;
          // A step's bounds are relative to the alarm threshold: above (> threshold) needs a
          // lower bound 0, below needs an upper bound 0.
          const above = /^GreaterThan/.test(p.Alarm.ComparisonOperator);
          assert.ok(adj.every((s) => (above ? s.MetricIntervalLowerBound === 0 : s.MetricIntervalUpperBound === 0)), p.PolicyName);
        }
      }
    });
  }

  const alarmFiles = fs.readdirSync(path.join(repoRoot, 'cloudwatch/alarms')).filter((f) => f.endsWith('.json'));
  await c.check(`cloudwatch/alarms/*.json (${alarmFiles.length}) are PutMetricAlarm inputs on published metrics, notifying the seed's topics`, () => {
    assert.equal(alarmFiles.length, 6);
    for (const f of alarmFiles) {
      const a = d.readJson(path.join(repoRoot, 'cloudwatch/alarms', f));
      noErrors(shape.putMetricAlarm(a), f);
      assert.ok(published.has(`${a.Namespace}/${a.MetricName}`), `${f}: nothing publishes ${a.Namespace}/${a.MetricName}`);
      for (const arn of [...a.AlarmActions, ...(a.OKActions || [])])
        assert.match(arn, /^arn:aws:sns:ap-northeast-2:ACCOUNT_ID:(crawler-alerts|cost-alerts)$/, f);
      assert.ok(a.DatapointsToAlarm <= a.EvaluationPeriods, f);
      assert.ok([10, 30].includes(a.Period) || a.Period % 60 === 0, `${f}: Period`);
    }
  });

  await c.check('cloudwatch/dashboard.json: a PutDashboard body with the five widgets (queue, tasks, EC2 CPU, Redis memory, error rate) on published metrics', () => {
    const text = d.readText(path.join(repoRoot, 'cloudwatch/dashboard.json'));
    noErrors(shape.putDashboard({ DashboardName: 'crawler', DashboardBody: text }), 'PutDashboard');
    const body = JSON.parse(text);
    // The dashboard body structure (CloudWatch's "Dashboard Body Structure and Syntax").
    const allowedTop = new Set(['widgets', 'start', 'end', 'periodOverride', 'variables']);
    for (const k of Object.keys(body)) assert.ok(allowedTop.has(k), `unknown dashboard member ${k}`);
    assert.ok(['auto', 'inherit'].includes(body.periodOverride));
    assert.ok(Array.isArray(body.widgets) && body.widgets.length <= 500);
    const seen = new Set();
    const widgetKeys = new Set(['type', 'x', 'y', 'width', 'height', 'properties']);
    const metricProps = new Set(['title', 'region', 'view', 'stacked', 'period', 'stat', 'metrics', 'annotations', 'yAxis', 'legend', 'liveData', 'setPeriodToTimeRange', 'sparkline', 'trend', 'timezone', 'labels', 'table', 'accountId', 'singleValueFullPrecision', 'start', 'end']);
    const renderKeys = new Set(['label', 'yAxis', 'stat', 'period', 'color', 'visible', 'id', 'expression', 'region', 'accountId']);
    body.widgets.forEach((w, i) => {
      const at = `widgets[${i}]`;
      for (const k of Object.keys(w)) assert.ok(widgetKeys.has(k), `${at}.${k} unknown`);
      assert.ok(['metric', 'text', 'alarm', 'log', 'explorer'].includes(w.type), `${at}.type`);
      for (const k of ['x', 'y', 'width', 'height']) assert.ok(Number.isInteger(w[k]) && w[k] >= 0, `${at}.${k}`);
      assert.ok(w.x + w.width <= 24 && w.width >= 1 && w.height >= 1 && w.height <= 1000, `${at} outside the 24-column grid`);
      if (w.type === 'text') assert.equal(typeof w.properties.markdown, 'string');
      if (w.type !== 'metric') return;
      const p = w.properties;
      for (const k of Object.keys(p)) assert.ok(metricProps.has(k), `${at}.properties.${k} unknown`);
      assert.equal(typeof p.region, 'string');
      assert.ok(['timeSeries', 'singleValue', 'gauge', 'bar', 'pie', 'table'].includes(p.view));
      assert.ok(p.period % 60 === 0);
      for (const m of p.metrics) {
        assert.ok(Array.isArray(m), `${at}: a metric is an array`);
        const opts = typeof m[m.length - 1] === 'object' ? m[m.length - 1] : null;
        const names = opts ? m.slice(0, -1) : m;
        assert.ok(names.length >= 2 && names.length % 2 === 0, `${at}: [namespace, name, (dimension, value)*]`);
        assert.ok(names.every((x) => typeof x === 'string'));
        if (opts) for (const k of Object.keys(opts)) assert.ok(renderKeys.has(k), `${at}: metric option ${k}`);
        const id = `${names[0]}/${names[1]}`;
        assert.ok(published.has(id), `${at}: nothing publishes ${id}`);
        seen.add(id);
      }
    });
    for (const want of ['CrawlerService/QueueWaitingJobs', 'ECS/ContainerInsights/RunningTaskCount', 'AWS/EC2/CPUUtilization',
      'CrawlerHost/RedisMemoryUsedPercent', 'CrawlerService/WorkerErrorRate'])
      assert.ok(seen.has(want), `no widget shows ${want}`);
  });

  await c.check('the dimensions of the tasks alarm and widget name ecs/service.json\'s cluster and service', () => {
    const svc = d.readJson(path.join(repoRoot, 'ecs/service.json'));
    const a = d.readJson(path.join(repoRoot, 'cloudwatch/alarms/crawler-running-tasks-over-40.json'));
    const dims = Object.fromEntries(a.Dimensions.map((x) => [x.Name, x.Value]));
    assert.deepEqual(dims, { ClusterName: svc.cluster, ServiceName: svc.serviceName });
    const body = d.readJson(path.join(repoRoot, 'cloudwatch/dashboard.json'));
    const task = body.widgets.flatMap((w) => (w.properties.metrics || [])).find((m) => m[1] === 'RunningTaskCount');
    assert.deepEqual(task.slice(2, 6), ['ClusterName', svc.cluster, 'ServiceName', svc.serviceName]);
  });

  await c.check('scripts/deploy --dry-run renders a valid task definition for another account, region and tag', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-dry-'));
    try {
      const r = spawnSync(path.join(repoRoot, 'scripts/deploy'),
        ['--dry-run', '--account-id', '210987654321', '--region', 'us-west-2', '--tag', 'v1.2.3', '--output-dir', out],
        { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const td = d.readJson(path.join(out, 'task-definition.json'));
      noErrors(shape.registerTaskDefinition(td), 'rendered task definition');
      const text = JSON.stringify(td);
      assert.ok(!/ACCOUNT_ID|ap-northeast-2/.test(text), 'placeholders left');
      assert.equal(td.containerDefinitions[0].image, '210987654321.dkr.ecr.us-west-2.amazonaws.com/crawler:v1.2.3');
      assert.equal(td.containerDefinitions[0].logConfiguration.options['awslogs-region'], 'us-west-2');
      assert.equal(td.executionRoleArn, 'arn:aws:iam::210987654321:role/crawler-task-execution');
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('+ '));
      const expect = [
        /^\+ docker build --pull -t crawler:v1\.2\.3 /,
        /^\+ docker tag crawler:v1\.2\.3 210987654321\.dkr\.ecr\.us-west-2\.amazonaws\.com\/crawler:v1\.2\.3$/,
        /^\+ docker tag crawler:v1\.2\.3 210987654321\.dkr\.ecr\.us-west-2\.amazonaws\.com\/crawler:latest$/,
        /^\+ aws ecr get-login-password --region us-west-2 \| docker login --username AWS --password-stdin 210987654321\.dkr\.ecr\.us-west-2\.amazonaws\.com$/,
        /^\+ docker push .*crawler:v1\.2\.3$/,
        /^\+ docker push .*crawler:latest$/,
        /^\+ aws ecs register-task-definition --region us-west-2 --cli-input-json file:\/\/.*task-definition\.json /,
        /^\+ aws ecs update-service --region us-west-2 --cluster crawler-workers --service crawler-worker-service --task-definition arn:aws:ecs:us-west-2:210987654321:task-definition\/crawler-worker:0 /,
      ];
      assert.equal(lines.length, expect.length, lines.join('\n'));
      expect.forEach((re, i) => assert.match(lines[i], re));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  c.done();
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  process.exit(1);
});
