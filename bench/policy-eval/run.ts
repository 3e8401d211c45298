// Policy evaluation benchmark (not a timed test): `pnpm bench:policy`.
//
// 1. A Spacelift-style plan policy (deny/warn rules iterating input.terraform.resource_changes)
//    over a plan with 1,000 resource changes. Evaluation time is reported as a ratio to
//    JSON.parse of the same input text, measured in the same run (target ≤ 3×).
// 2. A login policy over a small input (target ≤ 50 µs median).
// Compile time is reported separately (the app caches compiled policies).
//
// Input shapes follow Spacelift's documented policy inputs, read at run time from
// ../shared/conformance/spacelift-policy-inputs when present (values are synthesized).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePolicy, evaluate } from '../../packages/policy/src/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const shapesDir = process.env.GANTRY_SPACELIFT_INPUTS ?? join(repoRoot, '..', 'shared', 'conformance', 'spacelift-policy-inputs', 'docs', 'snippets');

const PLAN_POLICY = `package spacelift

import rego.v1

# Deletions need a human.
deny contains sprintf("must not delete %s", [r.address]) if {
  some r in input.terraform.resource_changes
  "delete" in r.change.actions
}

# Every new resource needs an owner tag.
deny contains sprintf("%s has no owner tag", [r.address]) if {
  some r in input.terraform.resource_changes
  r.change.actions[_] == "create"
  not r.change.after.tags.owner
}

# Instance type changes are worth a look.
warn contains sprintf("%s changes instance type from %s to %s", [r.address, before, after]) if {
  some r in input.terraform.resource_changes
  r.type == "aws_instance"
  before := r.change.before.instance_type
  after := r.change.after.instance_type
  before != after
}

# Too many changes at once.
warn contains sprintf("%d resources change in one run", [n]) if {
  n := count([r | some r in input.terraform.resource_changes; r.change.actions != ["no-op"]])
  n > 500
}

# Public buckets are never allowed.
deny contains sprintf("%s is public", [r.address]) if {
  some r in input.terraform.resource_changes
  r.type == "aws_s3_bucket"
  r.change.after.acl in {"public-read", "public-read-write"}
}

sample := true
`;

const LOGIN_POLICY = `package spacelift

import rego.v1

admins := {"alice", "bob"}

allow if input.session.login in admins

allow if {
  some team in input.session.teams
  team == "platform"
}

admin if input.session.login in admins

deny if input.session.machine == true
deny if not input.request.remote_ip

space_write contains space.id if {
  some space in input.spaces
  "team:platform" in space.labels
}
`;

// ---------------------------------------------------------------------------------------------
// Inputs

/** Synthesizes a value from a documented shape ("string - …", "integer - …", nested objects). */
function synthesize(shape: unknown, i = 0): unknown {
  if (typeof shape === 'string') {
    if (shape.startsWith('string')) return `value-${i}`;
    if (shape.startsWith('integer')) return 1_700_000_000_000_000_000 + i;
    if (shape.startsWith('number')) return 1.5;
    if (shape.startsWith('boolean')) return i % 2 === 0;
    if (shape.startsWith('object')) return {};
    return shape;
  }
  if (Array.isArray(shape)) return shape.length === 0 ? [] : [synthesize(shape[0], i), synthesize(shape[0], i + 1)];
  if (shape && typeof shape === 'object') {
    return Object.fromEntries(Object.entries(shape).map(([k, v], j) => [k, synthesize(v, i + j)]));
  }
  return shape;
}

function readShape(name: string): Record<string, unknown> | undefined {
  const p = join(shapesDir, name);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>) : undefined;
}

const TYPES = ['aws_instance', 'aws_s3_bucket', 'aws_iam_role', 'aws_security_group', 'aws_lambda_function'];
const ACTIONS: string[][] = [['no-op'], ['create'], ['update'], ['delete'], ['delete', 'create'], ['no-op']];

function resourceChange(i: number) {
  const type = TYPES[i % TYPES.length]!;
  const actions = ACTIONS[i % ACTIONS.length]!;
  const attrs = (v: number) => ({
    id: `id-${i}`,
    arn: `arn:aws:${type}:eu-west-1:123456789012:${type}/${i}`,
    instance_type: type === 'aws_instance' ? (v === 0 ? 't3.micro' : i % 3 === 0 ? 't3.large' : 't3.micro') : null,
    acl: type === 'aws_s3_bucket' ? (i % 7 === 0 ? 'public-read' : 'private') : null,
    tags: i % 4 === 0 ? { env: 'prod' } : { env: 'prod', owner: `team-${i % 9}` },
    ingress: [
      { from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: ['10.0.0.0/8'] },
      { from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['192.168.0.0/16'] },
    ],
    timeouts: null,
    description: `resource number ${i} managed by the platform team`,
  });
  return {
    address: `module.m${i % 10}.${type}.r${i}`,
    module_address: `module.m${i % 10}`,
    mode: 'managed',
    type,
    name: `r${i}`,
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: {
      actions,
      before: actions[0] === 'create' ? null : attrs(0),
      after: actions[0] === 'delete' && actions.length === 1 ? null : attrs(1),
      after_unknown: { id: actions[0] === 'create' },
      before_sensitive: {},
      after_sensitive: {},
    },
  };
}

function planInput(n: number) {
  const shape = readShape('plan_input.json');
  return {
    spacelift: shape ? synthesize(shape.spacelift) : { run: { id: 'run-1', type: 'PROPOSED' }, stack: { id: 'stack-1' } },
    terraform: {
      format_version: '1.2',
      terraform_version: '1.6.2',
      resource_changes: Array.from({ length: n }, (_, i) => resourceChange(i)),
    },
  };
}

function loginInput() {
  const shape = readShape('login_input.json');
  const base = (shape ? synthesize(shape) : {}) as Record<string, unknown>;
  return {
    ...base,
    request: { remote_ip: '10.1.2.3', timestamp_ns: 1_700_000_000_000_000_000 },
    session: { login: 'carol', name: 'Carol', teams: ['dev', 'platform'], machine: false, admin: false, member: true },
    spaces: [
      { id: 'root', name: 'root', labels: [] },
      { id: 'platform', name: 'platform', labels: ['team:platform'] },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Timing

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(f: () => void, runs: number, warmup = Math.min(20, runs)): number[] {
  for (let i = 0; i < warmup; i++) f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    out.push(performance.now() - t0);
  }
  return out;
}

const fmtMs = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);

function main() {
  // Plan policy
  const t0 = performance.now();
  const plan = compilePolicy({ modules: [{ path: 'plan.rego', source: PLAN_POLICY }], regoVersion: 'v1' });
  const compileMs = performance.now() - t0;
  const compileRuns = time(() => compilePolicy({ modules: [{ path: 'plan.rego', source: PLAN_POLICY }] }), 50);
  const text = JSON.stringify(planInput(1000));
  // Interleave the two measurements so machine load affects both alike.
  const parseRuns: number[] = [];
  const evalOnly: number[] = [];
  const evalRuns: number[] = [];
  let last: ReturnType<typeof evaluate> | undefined;
  for (let i = 0; i < 60; i++) {
    let t = performance.now();
    const input = JSON.parse(text);
    const parsed = performance.now() - t;
    t = performance.now();
    last = evaluate(plan, { entrypoint: 'data.spacelift', input });
    const evaluated = performance.now() - t;
    if (i >= 10) {
      parseRuns.push(parsed);
      evalOnly.push(evaluated);
      evalRuns.push(parsed + evaluated);
    }
  }
  const result = last!.result as { deny: string[]; warn: string[] };
  const parse = median(parseRuns);
  const ev = median(evalOnly);
  console.log('plan policy (1,000 resource changes, %s KiB of JSON)', (text.length / 1024).toFixed(0));
  console.log('  compile:          first %s, median %s', fmtMs(compileMs), fmtMs(median(compileRuns)));
  console.log('  JSON.parse:       median %s', fmtMs(parse));
  console.log('  evaluate:         median %s  (ratio to JSON.parse: %s×, target ≤ 3×)', fmtMs(ev), (ev / parse).toFixed(2));
  console.log('  parse + evaluate: median %s', fmtMs(median(evalRuns)));
  console.log('  result: %d deny, %d warn', result.deny.length, result.warn.length);

  // Login policy
  const login = compilePolicy({ modules: [{ path: 'login.rego', source: LOGIN_POLICY }] });
  const loginCompile = time(() => compilePolicy({ modules: [{ path: 'login.rego', source: LOGIN_POLICY }] }), 50);
  const li = loginInput();
  let lr: ReturnType<typeof evaluate> | undefined;
  const loginRuns = time(() => {
    lr = evaluate(login, { entrypoint: 'data.spacelift', input: li });
  }, 2000, 500);
  console.log('\nlogin policy (small input)');
  console.log('  compile:  median %s', fmtMs(median(loginCompile)));
  console.log('  evaluate: median %s  (target ≤ 50 µs), p90 %s', fmtMs(median(loginRuns)), fmtMs(loginRuns.sort((a, b) => a - b)[Math.floor(loginRuns.length * 0.9)]!));
  console.log('  result: %s', JSON.stringify(lr!.result));
}

main();
