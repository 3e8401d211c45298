// Test support: a process that owns a spawner and starts one long command through it, printing
// `spawner <pid>` and `command <pid>` (the command leads its process group), then waits to be killed.
import { spawnProcess } from '../spawn-process.ts';
import { installProcessSpawner } from '../spawner.ts';

const spawner = installProcessSpawner({ graceMs: Number(process.argv[2] ?? 500) });
console.log(`spawner ${spawner.pid}`);
spawnProcess(
  // The command ignores SIGINT: only the spawner's SIGKILL after the grace period ends it.
  { command: 'sh', args: ['-c', "trap '' INT; echo $$; sleep 60 & wait"], cwd: '/', env: { PATH: '/usr/bin:/bin' }, mergeOutput: true, killGroupOnExit: true },
  (event) => {
    if (event.type === 'data') process.stdout.write(`command ${event.chunk.toString('utf8')}`);
  },
);
setInterval(() => {}, 60_000);
