// The worker process, run as one node process (`node --import tsx src/main.ts`: no pnpm or tsx
// process in between that would relay signals a second time).
import { mkdir } from 'node:fs/promises';
import { loadOrExit, loadWorkerConfig } from '@gantry/config';
import { createCoreServices } from '@gantry/core';
import { startWorkerRuntime } from './runtime.ts';
import { createStopSignals } from './stop-signals.ts';

const config = loadOrExit(() => loadWorkerConfig(), 'worker');
const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);

await mkdir(config.workDir, { recursive: true });
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
