import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time per process group, read from /proc (Linux only; elsewhere every reading is empty), so that
 * a run's cost can be split between the benchmark itself, the worker, the worker's helpers (the
 * process spawner), the commands they ran (OpenTofu, git: counted when their parent reaps them),
 * Postgres and Redis.
 */
export type CpuGroup = 'bench' | 'worker' | 'worker helpers' | 'commands (tofu, git)' | 'postgres' | 'redis';
export type CpuReading = Partial<Record<CpuGroup, number>>;

const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  name: string;
  /** Own CPU, ms. */
  own: number;
  /** CPU of reaped children, ms. */
  children: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may hold spaces: the fields after it are counted from its end.
    const close = text.lastIndexOf(')');
    const name = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    const ms = (index: number) => (Number(fields[index]) * 1000) / TICKS_PER_SECOND;
    // After the name: state(0) … utime(11) stime(12) cutime(13) cstime(14).
    return { pid, name, own: ms(11) + ms(12), children: ms(13) + ms(14) };
  } catch {
    return null;
  }
}

function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function processesNamed(names: string[]): ProcStat[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  return pids.map((pid) => readStat(Number(pid))).filter((stat): stat is ProcStat => stat !== null && names.includes(stat.name));
}

/** The CPU used so far by each group; the difference of two readings is what happened between them. */
export function readCpu(workerPid: number | undefined): CpuReading {
  const reading: CpuReading = {};
  const usage = process.cpuUsage();
  reading.bench = (usage.user + usage.system) / 1000;
  if (workerPid !== undefined) {
    const worker = readStat(workerPid);
    if (worker) {
      reading.worker = worker.own;
      // Long-lived helpers (the spawner) and what they reaped, plus what the worker reaped itself.
      let helpers = 0;
      let commands = worker.children;
      for (const child of childPids(workerPid).map(readStat)) {
        if (!child) continue;
        helpers += child.own;
        commands += child.children;
      }
      reading['worker helpers'] = helpers;
      reading['commands (tofu, git)'] = commands;
    }
  }
  // Backends end with their connections and are reaped by the postmaster: its children's time counts.
  const postgres = processesNamed(['postgres']);
  if (postgres.length > 0) reading.postgres = postgres.reduce((sum, stat) => sum + stat.own + stat.children, 0);
  const redis = processesNamed(['redis-server']);
  if (redis.length > 0) reading.redis = redis.reduce((sum, stat) => sum + stat.own, 0);
  return reading;
}

export function cpuBetween(before: CpuReading, after: CpuReading): CpuReading {
  const used: CpuReading = {};
  for (const group of Object.keys(after) as CpuGroup[]) {
    if (before[group] !== undefined) used[group] = after[group]! - before[group]!;
  }
  return used;
}
