import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspaceRoot, INTERRUPTED_APPLIES_DIR, sweepDeadOwners } from './workspace-roots.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-roots-'));
  dirs.push(dir);
  return dir;
}

/** A workspace as the runner leaves it; `applied`: an apply had started in it. */
async function workspace(root: string, name: string, applied = false): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, '.gantry', 'home'), { recursive: true });
  await writeFile(join(dir, 'terraform.tfstate'), '{"serial": 3}');
  if (applied) await writeFile(join(dir, '.gantry', 'apply-started'), `${JSON.stringify({ accountId: 'acc1', runId: 'run1', startedAt: 'now' })}\n`);
  return dir;
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync('true');
  return child.pid!;
}

describe('workspace roots', () => {
  it('give each worker process a root of its own, named after host, boot and pid; release removes it', async () => {
    const work = await workDir();
    const root = await createWorkspaceRoot(work);
    const [host, boot, pid, random] = basename(root.dir).split('~');
    expect(host).toMatch(/^[A-Za-z0-9.-]+$/);
    expect(boot).toMatch(/^[0-9a-f]+$|^unknown$/);
    expect(Number(pid)).toBe(process.pid);
    expect(random).toMatch(/^[0-9a-f]{8}$/);
    expect(await readdir(join(work, 'runs'))).toEqual([basename(root.dir)]);
    await root.release();
    expect(await readdir(join(work, 'runs'))).toEqual([]);
  });

  it('sweep removes the workspaces of dead workers on this host, moves interrupted applies aside, and leaves the rest', async () => {
    const work = await workDir();
    const self = await createWorkspaceRoot(work);
    const [host, boot] = basename(self.dir).split('~') as [string, string];
    const runs = join(work, 'runs');
    const name = (h: string, b: string, pid: number) => `${h}~${b}~${pid}~abcd0123`;

    const dead = join(runs, name(host, boot, deadPid()));
    const plan = await workspace(dead, 'plan-1');
    await workspace(dead, 'plan-2', true);
    const rebooted = join(runs, name(host, 'ffffffff', process.ppid));
    await workspace(rebooted, 'apply-1');
    // A root with this process's pid that is not its own: its owner had the pid before (a restarted container).
    const samePid = join(runs, name(host, boot, process.pid));
    await workspace(samePid, 'plan-7');
    const alive = join(runs, name(host, boot, process.ppid));
    await workspace(alive, 'plan-3');
    const otherHost = join(runs, name('elsewhere', boot, deadPid()));
    await workspace(otherHost, 'plan-4');
    const mine = await workspace(self.dir, 'plan-5');
    const odd = join(runs, 'not-a-root');
    await workspace(odd, 'plan-6');

    const swept = await sweepDeadOwners(work, self.dir);
    expect(swept.removed.sort()).toEqual([join(rebooted, 'apply-1'), join(samePid, 'plan-7'), plan].sort());
    const aside = join(work, INTERRUPTED_APPLIES_DIR, `${basename(dead)}~plan-2`);
    expect(swept.kept).toEqual([{ dir: aside, label: { accountId: 'acc1', runId: 'run1', startedAt: 'now' } }]);
    // The interrupted apply keeps its state, with a note for the operator.
    expect(await readFile(join(aside, 'terraform.tfstate'), 'utf8')).toBe('{"serial": 3}');
    expect(await readFile(join(aside, 'README.txt'), 'utf8')).toMatch(/apply was running .* when its worker died/s);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(rebooted)).toBe(false);
    expect(existsSync(samePid)).toBe(false);
    // A live process's root, another host's, this process's own and unknown names stay.
    expect(existsSync(join(alive, 'plan-3'))).toBe(true);
    expect(existsSync(join(otherHost, 'plan-4'))).toBe(true);
    expect(existsSync(mine)).toBe(true);
    expect(existsSync(join(odd, 'plan-6'))).toBe(true);

    // Nothing left to do the second time.
    expect(await sweepDeadOwners(work, self.dir)).toEqual({ removed: [], kept: [] });
  });

  it('sweep of a work directory without roots does nothing', async () => {
    const work = await workDir();
    expect(await sweepDeadOwners(work, join(work, 'runs', 'mine'))).toEqual({ removed: [], kept: [] });
  });
});
