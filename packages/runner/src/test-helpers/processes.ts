import { readdir, readFile } from 'node:fs/promises';

/** Processes whose command line mentions `text` (Linux /proc), by pid. */
export async function processesMentioning(text: string): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found: string[] = [];
  for (const pid of pids) {
    const args = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (args.includes(text)) found.push(pid);
  }
  return found;
}
