// The worker process, run as one node process (`node --import tsx src/main.ts`: no pnpm or tsx
// process in between that would relay signals a second time).
import { mkdir } from 'node:fs/promises';
import { loadOrExit, loadWorkerConfig } from '@gantry/config';
import { createCoreServices } from '@gantry/core';
import { installProcessSpawner } from '@gantry/process/spawner';
import { startWorkerRuntime } from './runtime.ts';
import { createStopSignals } from './stop-signals.ts';

const config = loadOrExit(() => loadWorkerConfig(), 'worker');
const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);

await mkdir(config.workDir, { recursive: true });
// git and OpenTofu are started by a small child process: a fork of this one (once Prisma ran) costs
// 3 - 11 ms of blocked event loop per command, the spawner's ~1 ms. If this process dies, the spawner
// interrupts them (SIGINT, SIGKILL after an apply's grace period) and exits.
const spawner = config.processSpawner ? installProcessSpawner({ graceMs: 60_000, log }) : null;
const services = createCoreServices({
  databaseUrl: config.databaseUrl,
  redisUrl: config.redisUrl,
  encryptionKey: config.encryptionKey,
  poolSize: Math.max(5, config.concurrency * 2 + 3),
});
const runtime = await startWorkerRuntime({ config, services, log });
log(`gantry worker ${runtime.workerId} ready (concurrency ${config.concurrency}, lease ${config.leaseMs} ms)`);

createStopSignals({
  log,
  async stop() {
    try {
      await runtime.close();
      await services.close();
      await spawner?.uninstall();
      log('stopped');
      process.exit(0);
    } catch (error) {
      log(`error while stopping: ${(error as Error).message}`);
      process.exit(1);
    }
  },
  stopNow() {
    // OpenTofu and git get SIGINT (they run in process groups of their own and would outlive us).
    runtime.interrupt();
    process.exit(1);
  },
}).listen(process);
