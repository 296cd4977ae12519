// Shared helpers of the deployment tests (tests/deploy/*.js): a tiny check runner, parsers for
// the Dockerfile, .env files, the compose file and Terraform (through @cdktf/hcl2json), a
// small evaluator for the Terraform expressions our .tf files use to read the repository's
// JSON, and a validator of a JSON value against an AWS SDK operation's input schema.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

// Packages come from tests/peers (installed by scripts/install-deps).
const PEERS = path.resolve(__dirname, '../../peers');
function peer(name) {
  return require(require.resolve(name, { paths: [PEERS] }));
}

// ---------------------------------------------------------------------------------------
// Runner: checks print "ok"/"FAIL" lines and the closing "N passed, N failed" line.

class Checks {
  constructor(name) {
    this.name = name;
    this.passed = 0;
    this.failed = 0;
  }

  // fn throws (assert) to fail; async functions are awaited.
  async check(title, fn) {
    try {
      await fn();
      this.passed += 1;
      console.log(`ok   ${title}`);
    } catch (err) {
      this.failed += 1;
      console.log(`FAIL ${title}\n     ${String(err && err.stack ? err.message : err).split('\n').join('\n     ')}`);
    }
  }

  done() {
    console.log(`${this.name}: ${this.passed} passed, ${this.failed} failed`);
    process.exit(this.failed === 0 && this.passed > 0 ? 0 : 1);
  }
}

// CTest's SKIP_RETURN_CODE for these tests.
const SKIP = 77;
function skip(reason) {
  console.log(`SKIP: ${reason}`);
  process.exit(SKIP);
}

function readText(file) {
  return fs.readFileSync(file, 'utf8');
}
function readJson(file) {
  return JSON.parse(readText(file));
}

// ---------------------------------------------------------------------------------------
// Dockerfile: stages of {from, as, instructions: [{op, args, line}]}; continuation lines are
// joined, comments dropped; JSON-array (exec form) arguments are parsed as `json`.

function parseDockerfile(text) {
  const logical = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw) && current === '') continue;
    if (/^\s*#/.test(raw)) continue; // a comment inside a continued instruction
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  if (current.trim() !== '') logical.push(current.trim());

  const stages = [];
  for (const line of logical) {
    const m = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile: cannot parse "${line}"`);
    const op = m[1].toUpperCase();
    const args = m[2].replace(/\s+/g, ' ').trim();
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ from: f[1], as: f[2] || null, instructions: [] });
      continue;
    }
    if (!stages.length) throw new Error(`Dockerfile: ${op} before FROM`);
    const ins = { op, args };
    if (args.startsWith('[')) {
      try {
        ins.json = JSON.parse(args);
      } catch (e) {
        /* shell form that starts with [ */
      }
    }
    stages[stages.length - 1].instructions.push(ins);
  }
  return stages;
}

// Package names of every `apt-get install` in a RUN's shell text (options dropped).
function aptInstallPackages(shellText) {
  const out = [];
  for (const part of shellText.split(/&&|;|\|\|/)) {
    const m = /apt-get\s+install\s+(.*)$/.exec(part.trim());
    if (!m) continue;
    for (const word of m[1].trim().split(/\s+/)) if (word && !word.startsWith('-')) out.push(word);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// .env files: [{name, value, comment, line}] in order; `comment` is the # block above.

function parseEnvFile(text) {
  const out = [];
  let comment = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*#/.test(line)) {
      comment.push(line.replace(/^\s*#\s?/, ''));
      return;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out.push({ name: m[1], value: m[2], comment: comment.join('\n'), line: i + 1 });
    comment = [];
  });
  return out;
}

// Variables a compose file interpolates: ${X}, ${X:-d}, ${X-d}, ${X:?e}, ${X?e}, $X; not $$.
function composeVariables(text) {
  const names = new Set();
  const re = /\$(\$)|\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  let m;
  while ((m = re.exec(text))) {
    if (m[1]) continue;
    names.add(m[2] || m[3]);
  }
  return names;
}

// The environment variables the binary reads, from `crawler --help` ("[env A, B; default..]"):
// {all, primary} (primary: the first name of each setting; the others are aliases).
function crawlerEnvVars(binary) {
  const help = execFileSync(binary, ['--help'], {
    encoding: 'utf8',
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
  });
  const all = new Set();
  const primary = new Set();
  for (const m of help.matchAll(/\[env ([A-Z0-9_, ]+?)[;\]]/g)) {
    const names = m[1].split(',').map((n) => n.trim());
    primary.add(names[0]);
    for (const n of names) all.add(n);
  }
  if (primary.size < 10) throw new Error(`crawler --help listed only ${primary.size} variables`);
  return { all, primary };
}

// ---------------------------------------------------------------------------------------
// Terraform: every .tf of a directory through @cdktf/hcl2json, merged.
//   { files: {name: json}, resource: {type: {name: body}}, variable: {name: body},
//     locals: {name: expr}, output, data, ephemeral }   (hcl2json wraps blocks in arrays;
//   single blocks are unwrapped here, nested blocks stay arrays)

async function loadTerraform(dir) {
  const { parse } = peer('@cdktf/hcl2json');
  const files = {};
  const merged = { resource: {}, data: {}, ephemeral: {}, variable: {}, locals: {}, output: {}, terraform: [], provider: {} };
  const tfFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  if (!tfFiles.length) throw new Error(`no .tf files in ${dir}`);
  for (const f of tfFiles) {
    let json;
    try {
      json = await parse(f, readText(path.join(dir, f)));
    } catch (e) {
      throw new Error(`${f}: does not parse: ${e.message || e}`);
    }
    files[f] = json;
    for (const kind of ['resource', 'data', 'ephemeral']) {
      for (const [type, byName] of Object.entries(json[kind] || {})) {
        merged[kind][type] = merged[kind][type] || {};
        for (const [name, blocks] of Object.entries(byName)) {
          if (merged[kind][type][name]) throw new Error(`${kind} ${type}.${name} defined twice`);
          merged[kind][type][name] = { ...blocks[0], __file: f };
        }
      }
    }
    for (const kind of ['variable', 'output', 'provider']) {
      for (const [name, blocks] of Object.entries(json[kind] || {})) {
        if (merged[kind][name]) throw new Error(`${kind} ${name} defined twice`);
        merged[kind][name] = { ...blocks[0], __file: f };
      }
    }
    for (const block of json.locals || []) {
      for (const [name, expr] of Object.entries(block)) {
        if (name in merged.locals) throw new Error(`local ${name} defined twice`);
        merged.locals[name] = expr;
      }
    }
    if (json.terraform) merged.terraform.push(...json.terraform);
  }
  merged.files = files;
  merged.dir = dir;
  return merged;
}

// Evaluates the subset of Terraform expressions our .tf files use where the repository's
// numbers come in, so that a test can compare what Terraform would apply with the JSON files:
//   literals; var.x (its default); local.x; each.value / each.key (given); data sources from
//   `extra.data` ("data.aws_caller_identity.current.account_id": "..."); attribute and index
//   access; the functions file, jsondecode, replace, split, element, trimsuffix, fileset (one
//   "*.ext" pattern);
//   for expressions `{ for [k,] v in X : K => V [if A == B] }`; path.module; templates.
// Anything else throws, naming the expression: the test then says what it cannot follow.
function tfEvaluator(tf, extra = {}) {
  const cache = {};
  const data = extra.data || {};

  // Splits "a, f(b, c), "x,y"" at top-level commas (or another separator).
  function splitTop(text, sep) {
    const out = [];
    let depth = 0;
    let inString = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
      else if (depth === 0 && text.startsWith(sep, i)) {
        out.push(text.slice(start, i));
        start = i + sep.length;
        i += sep.length - 1;
      }
    }
    out.push(text.slice(start));
    return out.map((x) => x.trim());
  }

  // Index of the bracket closing the one at `open`.
  function closing(text, open) {
    let depth = 0;
    let inString = false;
    for (let i = open; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch) && --depth === 0) return i;
    }
    return -1;
  }

  function lookupPath(value, rest, expr) {
    let v = value;
    const re = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["([^"]+)"\]/y;
    while (re.lastIndex < rest.length) {
      const at = re.lastIndex;
      const m = re.exec(rest);
      if (!m || m.index !== at) throw new Error(`cannot follow ${expr}`);
      const key = m[1] !== undefined ? m[1] : m[2] !== undefined ? Number(m[2]) : m[3];
      if (v === undefined || v === null || !(key in Object(v))) throw new Error(`${expr}: no ${key}`);
      v = v[key];
    }
    return v;
  }

  function local(name) {
    if (!(name in cache)) {
      if (!(name in tf.locals)) throw new Error(`no local.${name}`);
      cache[name] = evaluate(tf.locals[name], {});
    }
    return cache[name];
  }

  const functions = {
    file: (p) => fs.readFileSync(path.resolve(tf.dir, p), 'utf8'),
    jsondecode: (t) => JSON.parse(t),
    replace: (str, from, to) => String(str).split(from).join(to),
    split: (sep, str) => String(str).split(sep),
    element: (list, i) => list[i % list.length],
    trimsuffix: (str, suffix) => (str.endsWith(suffix) ? str.slice(0, -suffix.length) : str),
    fileset: (dir, pattern) => {
      const m = /^\*(\.[A-Za-z0-9]+)$/.exec(pattern);
      if (!m) throw new Error(`fileset pattern ${pattern} not supported`);
      return fs.readdirSync(path.resolve(tf.dir, dir)).filter((f) => f.endsWith(m[1])).sort();
    },
  };

  // One expression (the inside of ${ }), with `scope` holding for-expression and each values.
  function expression(e, scope) {
    e = e.trim();
    let m;
    if (e.startsWith('"') && closing('(' + e + ')', 0) === e.length + 1 && /"$/.test(e)) {
      try {
        return template(JSON.parse(e), scope);
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
      }
    }
    if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
    if (e === 'true' || e === 'false') return e === 'true';
    if (e === 'null') return null;
    if (e.startsWith('{') && closing(e, 0) === e.length - 1 && /^\{\s*for\s/.test(e)) return forExpression(e.slice(1, -1), scope);
    const eq = splitTop(e, '==');
    if (eq.length === 2) return expression(eq[0], scope) === expression(eq[1], scope);
    if ((m = /^([a-z_]+)\(/.exec(e)) && closing(e, m[0].length - 1) === e.length - 1) {
      const fn = functions[m[1]];
      if (!fn) throw new Error(`function ${m[1]} not supported (in ${e})`);
      return fn(...splitTop(e.slice(m[0].length, -1), ',').map((a) => expression(a, scope)));
    }
    if (e === 'path.module') return '.';
    if ((m = /^data\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+/.exec(e))) {
      if (!(m[0] in data)) throw new Error(`${m[0]}: a data source (give it in extra.data)`);
      return lookupPath(data[m[0]], e.slice(m[0].length), e);
    }
    if ((m = /^var\.([A-Za-z0-9_]+)(.*)$/.exec(e))) {
      const v = tf.variable[m[1]];
      if (!v) throw new Error(`no variable ${m[1]}`);
      if (!('default' in v)) throw new Error(`variable ${m[1]} has no default`);
      return lookupPath(v.default, m[2], e);
    }
    if ((m = /^local\.([A-Za-z0-9_]+)(.*)$/.exec(e))) return lookupPath(local(m[1]), m[2], e);
    if ((m = /^([A-Za-z_][A-Za-z0-9_]*)(.*)$/.exec(e)) && m[1] in scope) return lookupPath(scope[m[1]], m[2], e);
    if ((m = /^each\.(value|key)(.*)$/.exec(e))) {
      if (!scope.each) throw new Error(`${e} outside for_each`);
      return lookupPath(scope.each[m[1]], m[2], e);
    }
    throw new Error(`cannot evaluate Terraform expression ${e}`);
  }

  function forExpression(body, scope) {
    const m = /^\s*for\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\s+([\s\S]+)$/.exec(body);
    if (!m) throw new Error(`for expression not supported: ${body}`);
    const [source, rest] = splitTop(m[3], ':');
    const [keyPart, valueAndCond] = splitTop(rest, '=>');
    const [valuePart, cond] = splitTop(valueAndCond, ' if ');
    const coll = expression(source, scope);
    const entries = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : Object.entries(coll);
    const out = {};
    for (const [k, v] of entries) {
      const inner = { ...scope, ...(m[2] ? { [m[1]]: k, [m[2]]: v } : { [m[1]]: v }) };
      if (cond !== undefined && !expression(cond, inner)) continue;
      out[expression(keyPart, inner)] = expression(valuePart, inner);
    }
    return out;
  }

  // A string with ${ } interpolations.
  function template(s, scope) {
    const parts = [];
    let i = 0;
    while (i < s.length) {
      const start = s.indexOf('${', i);
      if (start < 0) {
        parts.push(s.slice(i));
        break;
      }
      parts.push(s.slice(i, start));
      const end = closing(s, start + 1);
      if (end < 0) throw new Error(`unbalanced template ${s}`);
      parts.push({ expr: s.slice(start + 2, end) });
      i = end + 1;
    }
    const exprs = parts.filter((p) => typeof p === 'object');
    if (exprs.length === 1 && parts.every((p) => p === '' || typeof p === 'object')) return expression(exprs[0].expr, scope);
    return parts.map((p) => (typeof p === 'object' ? String(expression(p.expr, scope)) : p)).join('');
  }

  function evaluate(v, scope = extra.each !== undefined ? { each: { value: extra.each, key: extra.key } } : {}) {
    if (typeof v === 'string') return template(v, scope);
    if (Array.isArray(v)) return v.map((x) => evaluate(x, scope));
    if (v && typeof v === 'object') {
      const out = {};
      for (const [k, x] of Object.entries(v)) out[k] = evaluate(x, scope);
      return out;
    }
    return v;
  }

  return { evaluate, local };
}

// ---------------------------------------------------------------------------------------
// AWS API input shapes, from the SDK clients' own operation schemas (Smithy static schemas
// walked with @smithy/core's NormalizedSchema). Returns a list of errors naming the path:
// unknown members, wrong types, missing required members (a structure schema's 7th element
// is the count of its leading required members). `enums` maps a member name to the SDK's
// enum object (or an array of values) for the string members whose values are closed sets.

function schemaOf(clientPackage, inputName) {
  const client = peer(clientPackage);
  const schema = client[`${inputName}$`];
  if (!schema) throw new Error(`${clientPackage} has no schema ${inputName}`);
  return schema;
}

function validateShape(value, schemaRef, { enums = {}, where = '$' } = {}) {
  const { NormalizedSchema } = require(require.resolve('@smithy/core/schema', {
    paths: [path.dirname(require.resolve('@aws-sdk/client-ecs', { paths: [PEERS] }))],
  }));
  const errors = [];

  function walk(v, ns, at, memberName) {
    if (v === null || v === undefined) {
      errors.push(`${at}: null`);
      return;
    }
    if (ns.isStructSchema() || ns.isUnionSchema()) {
      if (typeof v !== 'object' || Array.isArray(v)) {
        errors.push(`${at}: expected an object (${ns.getName()}), got ${JSON.stringify(v)}`);
        return;
      }
      const members = {};
      for (const [name, m] of ns.structIterator()) members[name] = m;
      const raw = ns.getSchema();
      const required = Array.isArray(raw) && typeof raw[6] === 'number' ? raw[4].slice(0, raw[6]) : [];
      for (const r of required) if (!(r in v)) errors.push(`${at}: missing required member ${r} (${ns.getName()})`);
      for (const [k, x] of Object.entries(v)) {
        if (!(k in members)) {
          errors.push(`${at}.${k}: unknown member of ${ns.getName()}`);
          continue;
        }
        walk(x, members[k], `${at}.${k}`, k);
      }
      if (ns.isUnionSchema() && Object.keys(v).length !== 1) errors.push(`${at}: a union takes exactly one member`);
      return;
    }
    if (ns.isListSchema()) {
      if (!Array.isArray(v)) {
        errors.push(`${at}: expected a list, got ${JSON.stringify(v)}`);
        return;
      }
      v.forEach((x, i) => walk(x, ns.getValueSchema(), `${at}[${i}]`, memberName));
      return;
    }
    if (ns.isMapSchema()) {
      if (typeof v !== 'object' || Array.isArray(v)) {
        errors.push(`${at}: expected a map, got ${JSON.stringify(v)}`);
        return;
      }
      for (const [k, x] of Object.entries(v)) walk(x, ns.getValueSchema(), `${at}.${k}`);
      return;
    }
    if (ns.isStringSchema()) {
      if (typeof v !== 'string') errors.push(`${at}: expected a string, got ${JSON.stringify(v)}`);
      else if (memberName in enums) {
        const allowed = Array.isArray(enums[memberName]) ? enums[memberName] : Object.values(enums[memberName]);
        if (!allowed.includes(v)) errors.push(`${at}: "${v}" is not one of ${allowed.join(', ')}`);
      }
      return;
    }
    if (ns.isBooleanSchema()) {
      if (typeof v !== 'boolean') errors.push(`${at}: expected a boolean, got ${JSON.stringify(v)}`);
      return;
    }
    if (ns.isNumericSchema() || ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) {
      if (typeof v !== 'number' || !Number.isFinite(v)) errors.push(`${at}: expected a number, got ${JSON.stringify(v)}`);
      return;
    }
    if (ns.isTimestampSchema()) {
      if (typeof v !== 'string' && typeof v !== 'number') errors.push(`${at}: expected a timestamp`);
      return;
    }
    if (ns.isDocumentSchema()) return;
    errors.push(`${at}: schema ${ns.getName()} not handled by the validator`);
  }

  walk(value, NormalizedSchema.of(schemaRef), where);
  return errors;
}

module.exports = {
  Checks,
  SKIP,
  skip,
  peer,
  readText,
  readJson,
  parseDockerfile,
  aptInstallPackages,
  parseEnvFile,
  composeVariables,
  crawlerEnvVars,
  loadTerraform,
  tfEvaluator,
  schemaOf,
  validateShape,
};
