import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TofuScratchProject } from '../test-helpers/tofu-plan.ts';
import { parsePlanJson, PlanJsonError } from './plan-json.ts';
import { maskSensitiveValues, SENSITIVE_PLACEHOLDER, summarizePlan, type PlanSummary } from './summarize.ts';

// Plan JSON here is produced by the real OpenTofu binary: apply version 1, then plan version 2.
const VERSION_1 = {
  'main.tf': `
resource "terraform_data" "keep" {
  input = "same"
}
resource "terraform_data" "update_me" {
  input = "old"
}
resource "terraform_data" "replace_me" {
  triggers_replace = "v1"
}
resource "terraform_data" "replace_cbd" {
  triggers_replace = "v1"
  lifecycle {
    create_before_destroy = true
  }
}
resource "terraform_data" "delete_me" {
  input = "bye"
}
resource "terraform_data" "secret" {
  input = { user = "admin", password = sensitive("old-password") }
}
module "child" {
  source = "./child"
}
output "unchanged" {
  value = "same"
}
output "secret_output" {
  value     = "hunter2-old"
  sensitive = true
}
`,
  'child/main.tf': `resource "terraform_data" "inner" {\n  input = "child"\n}\n`,
};

const VERSION_2 = {
  'main.tf': `
variable "api_token" {
  type = string
}
resource "terraform_data" "keep" {
  input = "same"
}
resource "terraform_data" "update_me" {
  input = "new"
}
resource "terraform_data" "replace_me" {
  triggers_replace = "v2"
}
resource "terraform_data" "replace_cbd" {
  triggers_replace = "v2"
  lifecycle {
    create_before_destroy = true
  }
}
resource "terraform_data" "create_me" {
  count = 2
  input = "token=\${var.api_token}"
}
resource "terraform_data" "secret" {
  input = { user = "admin", password = sensitive("new-password") }
}
data "terraform_remote_state" "later" {
  backend = "local"
  config = {
    path = terraform_data.create_me[0].output
  }
}
module "child" {
  source = "./child"
}
output "unchanged" {
  value = "same"
}
output "secret_output" {
  value     = "hunter2-new"
  sensitive = true
}
output "created" {
  value = terraform_data.create_me[*].id
}
`,
  'child/main.tf': `resource "terraform_data" "inner" {\n  input = "child"\n}\n`,
};

let project: TofuScratchProject;
let planJson: unknown;
let summary: PlanSummary;

beforeAll(async () => {
  project = await TofuScratchProject.create({ TF_VAR_api_token: 'tok-12345' });
  await project.writeConfig(VERSION_1);
  await project.apply();
  await project.writeConfig(VERSION_2);
  planJson = await project.planJson();
  summary = summarizePlan(planJson, { secrets: ['tok-12345'] });
}, 120_000);

afterAll(async () => {
  await project?.cleanup();
});

const byAddress = (address: string) => {
  const change = summary.resourceChanges.find((resource) => resource.address === address);
  if (!change) throw new Error(`no change for ${address}`);
  return change;
};

describe('summarizePlan (real OpenTofu plan JSON)', () => {
  it('counts each kind of change', () => {
    expect(summary).toMatchObject({ add: 2, change: 2, destroy: 1, replace: 2, noop: 2, read: 1, forget: 0 });
    expect(summary.hasChanges).toBe(true);
  });

  it('normalizes replacements in both orders and keeps the raw actions', () => {
    expect(byAddress('terraform_data.replace_me')).toMatchObject({ action: 'replace', actions: ['delete', 'create'] });
    expect(byAddress('terraform_data.replace_cbd')).toMatchObject({ action: 'replace', actions: ['create', 'delete'] });
    expect(byAddress('terraform_data.replace_me').actionReason).toBe('replace_because_cannot_update');
  });

  it('describes creates, updates, deletes, reads and no-ops', () => {
    expect(byAddress('terraform_data.create_me[1]')).toMatchObject({
      action: 'create',
      type: 'terraform_data',
      name: 'create_me',
      index: 1,
      mode: 'managed',
      before: null,
    });
    expect(byAddress('terraform_data.create_me[1]').afterUnknown).toMatchObject({ id: true, output: true });
    expect(byAddress('terraform_data.update_me')).toMatchObject({ action: 'update' });
    expect((byAddress('terraform_data.update_me').before as { input: string }).input).toBe('old');
    expect((byAddress('terraform_data.update_me').after as { input: string }).input).toBe('new');
    expect(byAddress('terraform_data.delete_me')).toMatchObject({ action: 'delete', after: null });
    expect(byAddress('data.terraform_remote_state.later')).toMatchObject({ action: 'read', mode: 'data' });
    expect(byAddress('terraform_data.keep').action).toBe('no-op');
  });

  it('carries the module address of resources in modules', () => {
    expect(byAddress('module.child.terraform_data.inner')).toMatchObject({ moduleAddress: 'module.child', action: 'no-op' });
    expect(byAddress('terraform_data.keep').moduleAddress).toBeUndefined();
  });

  it('masks sensitive values before and after, and leaves the rest readable', () => {
    const secret = byAddress('terraform_data.secret');
    expect(secret.action).toBe('update');
    expect(secret.before).toMatchObject({ input: { user: 'admin', password: SENSITIVE_PLACEHOLDER } });
    expect(secret.after).toMatchObject({ input: { user: 'admin', password: SENSITIVE_PLACEHOLDER } });
    expect(JSON.stringify(planJson)).toContain('new-password');
    expect(JSON.stringify(summary)).not.toContain('new-password');
    // OpenTofu 1.6 does not mark terraform_data's `output` copy of the value sensitive in prior state
    // (its own plan output prints it too); the summary follows OpenTofu's marks.
    expect((secret.before as { input: unknown }).input).toEqual({ user: 'admin', password: SENSITIVE_PLACEHOLDER });
  });

  it('masks secret values given by the caller inside strings', () => {
    const created = byAddress('terraform_data.create_me[0]');
    expect((created.after as { input: string }).input).toBe('token=*****');
    expect(JSON.stringify(summary)).not.toContain('tok-12345');
    // The raw plan keeps the value (it is stored encrypted and given to plan policies).
    expect(JSON.stringify(planJson)).toContain('tok-12345');
  });

  it('summarizes output changes, masking sensitive outputs', () => {
    const outputs = Object.fromEntries(summary.outputChanges.map((output) => [output.name, output]));
    expect(outputs.unchanged).toMatchObject({ action: 'no-op', sensitive: false, before: 'same', after: 'same' });
    expect(outputs.secret_output).toMatchObject({
      action: 'update',
      sensitive: true,
      before: SENSITIVE_PLACEHOLDER,
      after: SENSITIVE_PLACEHOLDER,
    });
    expect(outputs.created).toMatchObject({ action: 'create' });
    expect(JSON.stringify(summary)).not.toContain('hunter2');
  });

  it('reports no changes for a plan of an unchanged configuration', async () => {
    const scratch = await TofuScratchProject.create();
    try {
      await scratch.writeConfig({ 'main.tf': 'resource "terraform_data" "a" {\n  input = 1\n}\noutput "o" {\n  value = 1\n}\n' });
      await scratch.apply();
      const unchanged = summarizePlan(await scratch.planJson());
      expect(unchanged).toMatchObject({ add: 0, change: 0, destroy: 0, replace: 0, noop: 1, hasChanges: false });
      expect(unchanged.outputChanges).toEqual([
        expect.objectContaining({ name: 'o', action: 'no-op', before: 1, after: 1 }),
      ]);
    } finally {
      await scratch.cleanup();
    }
  }, 120_000);

  it('counts an output-only change as a change', async () => {
    const scratch = await TofuScratchProject.create();
    try {
      await scratch.writeConfig({ 'main.tf': 'output "o" {\n  value = "new"\n}\n' });
      const outputOnly = summarizePlan(await scratch.planJson());
      expect(outputOnly).toMatchObject({ add: 0, change: 0, destroy: 0, hasChanges: true });
    } finally {
      await scratch.cleanup();
    }
  }, 120_000);
});

describe('parsePlanJson', () => {
  it('accepts JSON text and rejects documents of another shape, naming the field', () => {
    expect(parsePlanJson(JSON.stringify(planJson)).format_version).toMatch(/^1\./);
    expect(() => parsePlanJson('{not json')).toThrow(PlanJsonError);
    expect(() => parsePlanJson({ format_version: '2.0' })).toThrow(/format_version/);
    expect(() =>
      parsePlanJson({
        format_version: '1.2',
        resource_changes: [{ address: 'a.b', mode: 'managed', type: 'a', name: 'b', change: { actions: ['explode'] } }],
      }),
    ).toThrow(/resource_changes\.0\.change\.actions\.0/);
  });
});

describe('maskSensitiveValues', () => {
  it('follows nested objects and lists', () => {
    expect(
      maskSensitiveValues({ a: 1, b: [1, 2, { c: 'x' }], d: { e: 'y' } }, { b: [false, true, { c: true }], d: true }),
    ).toEqual({ a: 1, b: [1, SENSITIVE_PLACEHOLDER, { c: SENSITIVE_PLACEHOLDER }], d: SENSITIVE_PLACEHOLDER });
    expect(maskSensitiveValues(null, true)).toBeNull();
    expect(maskSensitiveValues('plain', false)).toBe('plain');
  });
});
