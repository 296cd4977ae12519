// The Dockerfile's runtime stage, executed without Docker: a Debian 12 minbase root made by
// debootstrap stands for debian:bookworm-slim; the stage's instructions (ARG, RUN, COPY,
// WORKDIR, USER) are carried out in it in order (RUN through chroot, with the host's network);
// then, as the image's user, the checks an image must pass:
//   - every library the crawler binary needs resolves (ldd inside the root)
//   - `crawler version`, `crawler --help`, `crawler simulate` (reads WORKDIR's cloudwatch/)
//   - Chromium from the root starts headless and renders Korean text with the root's fonts
//     (two different Hangul strings must render differently: missing glyphs draw identical
//     boxes), and fontconfig knows a Korean font
//   - the HEALTHCHECK command succeeds against a worker started from the ENTRYPOINT
// The build stage is not executed (it is CI's own build: scripts/install-deps, then the
// release preset); it is checked statically, and its scripts/install-deps package list is
// resolved by apt in the root. The binary is the one CTest built; when that is
// an ASan build, libasan8 and libubsan1 are added to the root (not part of the image).
//
//   node dockerfile_rootfs_test.js <repo root> <crawler binary>
// Needs root (debootstrap, chroot, mounts): otherwise exits 77 (CTest: skipped).
// Cache: $CRAWLER_DEPLOY_TEST_CACHE (default /var/cache/crawler-deploy-test): the debootstrap
// tarball, the root after the stage's first RUN layers (keyed by their text, like Docker's
// layer cache) and downloaded .debs.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const net = require('net');
const { spawnSync, spawn } = require('child_process');
const d = require('./lib/deploy');

const [repoRoot, binaryArg] = process.argv.slice(2);
if (!repoRoot || !binaryArg) {
  console.error('usage: dockerfile_rootfs_test.js <repo root> <crawler binary>');
  process.exit(2);
}
const binary = path.resolve(binaryArg);
if (process.getuid() !== 0) d.skip('needs root (debootstrap, chroot, mount namespaces); run as root or exclude with ctest -LE rootfs');

const CACHE = process.env.CRAWLER_DEPLOY_TEST_CACHE || '/var/cache/crawler-deploy-test';
const SUITE = 'bookworm';
const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFail)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${(r.stdout || '').slice(-2000)}\n${(r.stderr || '').slice(-3000)}`);
  return r;
}
function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

// The Debian mirror this machine's apt uses for the suite (deb822 .sources or sources.list);
// none found: debootstrap's own default.
function aptMirror() {
  const dirs = ['/etc/apt/sources.list.d'];
  const files = ['/etc/apt/sources.list'];
  for (const dir of dirs)
    if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir)) files.push(path.join(dir, f));
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    const text = fs.readFileSync(f, 'utf8');
    if (f.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const uris = /^URIs:\s*(.+)$/m.exec(stanza);
        const suites = /^Suites:\s*(.+)$/m.exec(stanza);
        if (uris && suites && suites[1].split(/\s+/).includes(SUITE)) return uris[1].split(/\s+/)[0];
      }
    } else {
      for (const line of text.split('\n')) {
        const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s/.exec(line.trim() + ' ');
        if (m && m[2] === SUITE) return m[1];
      }
    }
  }
  return null;
}

// Runs argv inside the root: a private mount namespace (proc, dev, sys, the .deb cache), so
// that every mount disappears with the process, then chroot as uid:gid with a clean env.
function inRoot(root, argv, { user = '0:0', env = {}, cwd = '/', aptCache = false, allowFail = false, timeout = 600000, background = false } = {}) {
  const envList = Object.entries({ PATH: PATH_ENV, HOME: env.HOME || '/root', ...env }).map(([k, v]) => `${k}=${v}`);
  const script = [
    'set -e',
    'R=$1; U=$2; C=$3; A=$4; shift 4',
    'mount -t proc proc "$R/proc"',
    'mount --rbind /dev "$R/dev"',
    'mount -t tmpfs -o size=512m tmpfs "$R/dev/shm"',
    'mount --rbind /sys "$R/sys"',
    'if [ -n "$A" ]; then mkdir -p "$A/partial" "$R/var/cache/apt/archives"; mount --bind "$A" "$R/var/cache/apt/archives"; fi',
    'exec chroot --userspec="$U" "$R" /usr/bin/env -i "$@"',
  ].join('\n');
  const args = ['--mount', '--propagation', 'private', '--', 'bash', '-c', script, 'in-root', root, user, cwd,
    aptCache ? path.join(CACHE, 'apt-archives') : '', ...envList, 'sh', '-c', 'cd "$0" && exec "$@"', cwd, ...argv];
  if (background) return spawn('unshare', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return sh('unshare', args, { allowFail, timeout });
}

function mountsUnder(dir) {
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4]).filter((p) => p && (p === dir || p.startsWith(prefix)));
}

function removeRoot(dir) {
  const left = mountsUnder(dir);
  if (left.length) throw new Error(`refusing to delete ${dir}: still mounted: ${left.join(', ')}`);
  sh('rm', ['-rf', '--one-file-system', dir]);
}

// ---------------------------------------------------------------------------------------

async function main() {
  const checks = new d.Checks('dockerfile_rootfs');
  for (const tool of ['debootstrap', 'unshare', 'chroot', 'tar'])
    if (!have(tool)) {
      console.log(`FAIL ${tool} not installed (scripts/install-deps installs debootstrap)`);
      process.exit(1);
    }
  fs.mkdirSync(path.join(CACHE, 'apt-archives', 'partial'), { recursive: true });

  const stages = d.parseDockerfile(d.readText(path.join(repoRoot, 'Dockerfile')));
  const build = stages[0];
  const runtime = stages[stages.length - 1];

  await checks.check('two stages: build on debian:bookworm, runtime on debian:bookworm-slim', () => {
    if (stages.length !== 2) throw new Error(`${stages.length} stages`);
    if (build.from !== 'debian:bookworm' || !build.as) throw new Error(`build stage FROM ${build.from} AS ${build.as}`);
    if (runtime.from !== 'debian:bookworm-slim') throw new Error(`runtime stage FROM ${runtime.from}`);
  });

  await checks.check('build stage: CI\'s dependency script, the release preset, the crawler target; its COPY sources exist', () => {
    const runs = build.instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join(' && ');
    for (const need of ['scripts/install-deps', 'cmake --preset release', '--target crawler'])
      if (!runs.includes(need)) throw new Error(`build stage does not run "${need}"`);
    const presets = d.readJson(path.join(repoRoot, 'CMakePresets.json'));
    if (!presets.configurePresets.some((p) => p.name === 'release')) throw new Error('no release preset');
    for (const c of build.instructions.filter((i) => i.op === 'COPY')) {
      const words = c.args.split(' ').filter((w) => !w.startsWith('--'));
      for (const src of words.slice(0, -1))
        if (src !== '.' && !fs.existsSync(path.join(repoRoot, src))) throw new Error(`COPY ${src}: not in the repository`);
    }
  });

  await checks.check('runtime stage: Chromium, Korean fonts, CA certificates, curl for the HEALTHCHECK; no recommends; apt lists removed', () => {
    const runs = runtime.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    const pkgs = runs.flatMap(d.aptInstallPackages);
    for (const p of ['chromium', 'fonts-nanum', 'ca-certificates', 'curl', 'tzdata'])
      if (!pkgs.includes(p)) throw new Error(`runtime stage does not install ${p}`);
    const install = runs.find((r) => /apt-get\s+install/.test(r));
    if (!/--no-install-recommends/.test(install)) throw new Error('installs recommends');
    if (!/rm -rf \/var\/lib\/apt\/lists/.test(install)) throw new Error('apt lists left in the layer');
    if (pkgs.some((p) => /-dev$/.test(p))) throw new Error('a -dev package in the runtime stage');
  });

  // --- the base root (cached tarball) ---
  const mirror = aptMirror();
  const baseTar = path.join(CACHE, `${SUITE}-minbase.tar`);
  if (!fs.existsSync(baseTar)) {
    console.log(`# debootstrap --variant=minbase ${SUITE} (${mirror || "debootstrap's default mirror"}) ...`);
    const tmp = fs.mkdtempSync(path.join(CACHE, 'debootstrap-'));
    try {
      sh('debootstrap', ['--variant=minbase', SUITE, tmp, ...(mirror ? [mirror] : [])], { timeout: 900000 });
      sh('tar', ['-C', tmp, '-cf', `${baseTar}.part`, '.']);
      fs.renameSync(`${baseTar}.part`, baseTar);
    } finally {
      removeRoot(tmp);
    }
    console.log(`# base root cached (${elapsed()})`);
  }

  // --- carry out the runtime stage ---
  const work = fs.mkdtempSync(path.join(CACHE, 'work-'));
  const root = path.join(work, 'root');
  fs.mkdirSync(root);
  const state = { user: '0:0', userName: 'root', workdir: '/', env: {}, args: {}, healthcheck: null, entrypoint: null, cmd: null, expose: [] };
  try {
    // The leading ARG/ENV/RUN instructions form the cached layer (the package installs).
    const ins = runtime.instructions;
    let layerEnd = 0;
    while (layerEnd < ins.length && ['ARG', 'ENV', 'RUN'].includes(ins[layerEnd].op)) layerEnd++;
    const key = crypto.createHash('sha256')
      .update(JSON.stringify({ base: path.basename(baseTar), from: runtime.from, layer: ins.slice(0, layerEnd) }))
      .digest('hex').slice(0, 16);
    const layerTar = path.join(CACHE, `layer-${key}.tar`);
    // An ASan/UBSan binary (CI's build) needs the sanitizer runtimes, which the image does not
    // carry (it ships a release build): they are added to the root after the layer, for this
    // test only, and that root is cached too.
    const asan = /libasan/.test(sh('readelf', ['-d', binary]).stdout);
    const asanTar = path.join(CACHE, `layer-${key}-asan.tar`);
    const start = asan && fs.existsSync(asanTar) ? asanTar : fs.existsSync(layerTar) ? layerTar : baseTar;
    const cached = start !== baseTar;
    sh('tar', ['-C', root, '-xf', start]);
    fs.chmodSync(root, 0o755); // the tarball's "." came from a mkdtemp (0700); an image's / is 0755
    fs.copyFileSync('/etc/resolv.conf', path.join(root, 'etc/resolv.conf'));
    console.log(`# root from ${path.basename(start)} (${elapsed()})`);
    for (const f of fs.readdirSync(CACHE))
      if (/^layer-.*\.tar$/.test(f) && ![layerTar, asanTar].includes(path.join(CACHE, f))) fs.rmSync(path.join(CACHE, f));

    const afterLayer = () => {
      if (!cached) {
        sh('tar', ['-C', root, '-cf', `${layerTar}.part`, '.']);
        fs.renameSync(`${layerTar}.part`, layerTar);
        console.log(`# layer cached (${elapsed()})`);
      }
      if (asan && start !== asanTar) {
        console.log('# the binary is an ASan build: adding libasan8 libubsan1 to the root (test only)');
        inRoot(root, ['/bin/sh', '-c', 'apt-get update -q && apt-get install -y -q --no-install-recommends libasan8 libubsan1 && rm -rf /var/lib/apt/lists/*'],
          { env: { DEBIAN_FRONTEND: 'noninteractive' }, aptCache: true });
        sh('tar', ['-C', root, '-cf', `${asanTar}.part`, '.']);
        fs.renameSync(`${asanTar}.part`, asanTar);
      }
    };

    const runEnv = () => ({ ...state.args, ...state.env });
    const needsUser = () => state.user;

    if (layerEnd === 0) afterLayer();
    for (let i = 0; i < ins.length; i++) {
      const x = ins[i];
      if (i < layerEnd && cached) {
        if (x.op === 'ARG' || x.op === 'ENV') applyEnv(x, state);
        if (i === layerEnd - 1) afterLayer();
        continue;
      }
      switch (x.op) {
        case 'ARG':
        case 'ENV':
          applyEnv(x, state);
          break;
        case 'RUN': {
          console.log(`# RUN ${x.args.slice(0, 100)}${x.args.length > 100 ? ' ...' : ''}`);
          inRoot(root, ['/bin/sh', '-c', x.args], { user: needsUser(), env: runEnv(), cwd: state.workdir, aptCache: true });
          break;
        }
        case 'COPY': {
          const words = x.args.split(' ');
          const from = words.find((w) => w.startsWith('--from='));
          const rest = words.filter((w) => !w.startsWith('--'));
          const dest = path.posix.resolve(state.workdir, rest[rest.length - 1]);
          for (const src of rest.slice(0, -1)) {
            let hostSrc;
            if (from) {
              if (!/\/build\/release\/src\/app\/crawler$/.test(src)) throw new Error(`COPY ${x.args}: unknown build artifact`);
              hostSrc = binary;
            } else {
              hostSrc = path.join(repoRoot, src);
            }
            if (!fs.existsSync(hostSrc)) throw new Error(`COPY ${src}: ${hostSrc} does not exist`);
            const target = path.join(root, dest);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            sh('cp', ['-a', '--no-preserve=ownership', '-T', hostSrc, target]);
          }
          break;
        }
        case 'WORKDIR':
          state.workdir = path.posix.resolve(state.workdir, x.args);
          fs.mkdirSync(path.join(root, state.workdir), { recursive: true });
          break;
        case 'USER': {
          const name = x.args.split(':')[0];
          const passwd = fs.readFileSync(path.join(root, 'etc/passwd'), 'utf8').split('\n').map((l) => l.split(':'));
          const entry = passwd.find((p) => p[0] === name || p[2] === name);
          if (!entry) throw new Error(`USER ${name}: not in /etc/passwd`);
          state.user = `${entry[2]}:${entry[3]}`;
          state.userName = entry[0];
          state.home = entry[5];
          break;
        }
        case 'EXPOSE':
          state.expose.push(...x.args.split(' ').map(Number));
          break;
        case 'HEALTHCHECK':
          state.healthcheck = x.args;
          break;
        case 'ENTRYPOINT':
          state.entrypoint = x.json;
          break;
        case 'CMD':
          state.cmd = x.json;
          break;
        case 'LABEL':
          break;
        default:
          throw new Error(`instruction ${x.op} not supported by this test`);
      }
      if (i === layerEnd - 1) afterLayer();
    }
    console.log(`# stage carried out (${elapsed()})`);

    await checks.check('the image runs as a non-root user, ENTRYPOINT ["crawler"], CMD ["--process=all"], a HEALTHCHECK', () => {
      if (state.user.startsWith('0:')) throw new Error(`USER is root (${state.user})`);
      if (JSON.stringify(state.entrypoint) !== '["crawler"]') throw new Error(`ENTRYPOINT ${JSON.stringify(state.entrypoint)}`);
      if (JSON.stringify(state.cmd) !== '["--process=all"]') throw new Error(`CMD ${JSON.stringify(state.cmd)}`);
      if (!state.healthcheck || !/ CMD /.test(` ${state.healthcheck}`)) throw new Error('no HEALTHCHECK CMD');
      for (const p of [3000, 3002]) if (!state.expose.includes(p)) throw new Error(`port ${p} not exposed`);
    });

    const asUser = (argv, opts = {}) =>
      inRoot(root, argv, {
        user: state.user, cwd: state.workdir, allowFail: true, timeout: 120000,
        env: { HOME: state.home || '/tmp', ASAN_OPTIONS: 'detect_leaks=0', ...state.env, ...(opts.env || {}) },
        background: opts.background,
      });
    const entry = state.entrypoint[0];

    await checks.check('every library the binary needs is in the root (ldd)', () => {
      const r = inRoot(root, ['ldd', `/usr/local/bin/${entry}`], { allowFail: true });
      if (r.status !== 0 || /not found/.test(r.stdout)) throw new Error(`ldd:\n${r.stdout}${r.stderr}`);
    });

    await checks.check(`${entry} version / --help as ${state.userName}`, () => {
      const v = asUser([entry, 'version']);
      if (v.status !== 0 || !/\d+\.\d+/.test(v.stdout + v.stderr)) throw new Error(`version: exit ${v.status}\n${v.stdout}${v.stderr}`);
      const h = asUser([entry, '--help']);
      if (h.status !== 0 || !/--process/.test(h.stdout)) throw new Error(`--help: exit ${h.status}\n${h.stderr}`);
    });

    await checks.check(`${entry} simulate reads cloudwatch/autoscaling.json from WORKDIR ${state.workdir}`, () => {
      const r = asUser([entry, 'simulate', '--scenario', 'quiet']);
      if (r.status !== 0 || !/quiet/.test(r.stdout)) throw new Error(`exit ${r.status}\n${r.stdout}${r.stderr}`);
    });

    await checks.check(`the image user can write ${state.workdir}/data (DATA_DIR's default)`, () => {
      const r = asUser(['/bin/sh', '-c', 'touch data/.probe && rm data/.probe']);
      if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
    });

    await checks.check('fontconfig knows a Korean font (fonts-nanum)', () => {
      const r = inRoot(root, ['sh', '-c', 'ls /usr/share/fonts/truetype/nanum/ && (command -v fc-list >/dev/null && fc-list :lang=ko family || true)'], { allowFail: true });
      if (r.status !== 0 || !/Nanum/i.test(r.stdout)) throw new Error(`no Korean font:\n${r.stdout}${r.stderr}`);
    });

    await checks.check('Chromium from the root renders Korean text headless as the image user', () => {
      const chromium = '/usr/bin/chromium';
      if (!fs.existsSync(path.join(root, chromium))) throw new Error('no /usr/bin/chromium in the root');
      const dir = '/tmp/korean-test';
      fs.mkdirSync(path.join(root, dir), { recursive: true });
      fs.chmodSync(path.join(root, dir), 0o1777);
      const page = (text) => `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#fff">` +
        `<div id="t" style="font:48px sans-serif;color:#000;padding:24px">${text}</div>`;
      const pages = { a: '네이버 검색 순위', b: '광고 파워링크', blank: '' };
      const shots = {};
      for (const [name, text] of Object.entries(pages)) {
        fs.writeFileSync(path.join(root, dir, `${name}.html`), page(text));
        const r = asUser([chromium, '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
          '--hide-scrollbars', '--window-size=640,160', `--user-data-dir=${dir}/profile-${name}`,
          `--screenshot=${dir}/${name}.png`, `file://${dir}/${name}.html`]);
        const png = path.join(root, dir, `${name}.png`);
        if (!fs.existsSync(png)) throw new Error(`no screenshot of ${name}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
        shots[name] = fs.readFileSync(png);
      }
      if (shots.a.equals(shots.blank)) throw new Error('the Korean text drew nothing');
      if (shots.a.equals(shots.b)) throw new Error('two different Hangul strings render the same (missing glyph boxes)');
      const dom = asUser([chromium, '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
        `--user-data-dir=${dir}/profile-dom`, '--dump-dom', `file://${dir}/a.html`]);
      if (!dom.stdout.includes(pages.a)) throw new Error(`--dump-dom lacks the Korean text: exit ${dom.status}\n${dom.stderr.slice(-1000)}`);
      if (process.env.CRAWLER_DEPLOY_TEST_KEEP_SHOTS)
        fs.copyFileSync(path.join(root, dir, 'a.png'), path.join(process.env.CRAWLER_DEPLOY_TEST_KEEP_SHOTS, 'korean.png'));
    });

    await checks.check('build stage: scripts/install-deps\' Debian packages all resolve on a clean bookworm (apt-get install --simulate)', () => {
      const list = sh('bash', ['-c', 'eval "$(sed -n \'/^PACKAGES=(/,/^)/p\' "$1")"; printf "%s\\n" "${PACKAGES[@]}"', '_',
        path.join(repoRoot, 'scripts/install-deps')]).stdout.split('\n').filter(Boolean);
      if (list.length < 20) throw new Error(`only ${list.length} packages parsed from scripts/install-deps`);
      const r = inRoot(root, ['/bin/sh', '-c', 'apt-get update -q >/dev/null && apt-get install --simulate -q -y --no-install-recommends "$@"', 'sh', ...list],
        { env: { DEBIAN_FRONTEND: 'noninteractive' }, allowFail: true });
      if (r.status !== 0) throw new Error(`apt-get install --simulate:\n${r.stdout.slice(-1500)}${r.stderr.slice(-1500)}`);
      if (!/^Inst /m.test(r.stdout)) throw new Error('apt simulated no installation');
    });

    await checks.check('the HEALTHCHECK command passes against a worker started from the ENTRYPOINT', async () => {
      const port = await freePort();
      const hc = /CMD\s+(.*)$/.exec(state.healthcheck)[1];
      const env = { WORKER_PORT: String(port), HEALTH_PORT: String(port), REDIS_URL: 'redis://127.0.0.1:1',
        DATABASE_URL: 'postgresql://crawler@127.0.0.1:1/crawler', LOG_LEVEL: 'warn' };
      const worker = asUser([entry, '--process=worker'], { env, background: true });
      let stderr = '';
      worker.stderr.on('data', (b) => { stderr += b; });
      try {
        let ok = false;
        let last;
        for (let i = 0; i < 40 && !ok; i++) {
          await new Promise((r) => setTimeout(r, 500));
          last = asUser(['/bin/sh', '-c', hc], { env });
          ok = last.status === 0;
        }
        if (!ok) throw new Error(`HEALTHCHECK "${hc}" exit ${last.status}\n${last.stderr}\n${stderr.slice(-1000)}`);
        // And it fails when nothing listens (the check asserts something).
        const down = asUser(['/bin/sh', '-c', hc], { env: { HEALTH_PORT: String(await freePort()) } });
        if (down.status === 0) throw new Error('HEALTHCHECK passes with nothing listening');
      } finally {
        worker.kill('SIGTERM');
        await new Promise((r) => { worker.on('exit', r); setTimeout(r, 30000); });
      }
    });
  } finally {
    removeRoot(work);
  }
  console.log(`# ${elapsed()}`);
  checks.done();
}

function applyEnv(x, state) {
  const target = x.op === 'ARG' ? state.args : state.env;
  for (const m of x.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|\S*))?/g)) {
    if (m[2] === undefined) continue; // ARG without default
    target[m[1]] = m[2].replace(/^"|"$/g, '');
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  process.exit(1);
});
