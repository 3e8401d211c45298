// The worker process: `pnpm --filter @gantry/worker start` (tsx src/main.ts).
import { mkdir } from 'node:fs/promises';
import { loadOrExit, loadWorkerConfig } from '@gantry/config';
import { createCoreServices } from '@gantry/core';
import { startWorkerRuntime } from './runtime.ts';

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

let stopping = false;
async function stop(signal: string) {
  if (stopping) {
    log(`${signal} again: exiting now`);
    process.exit(1);
  }
  stopping = true;
  log(`${signal}: stopping (plans are handed back, applies run to their end; ${signal} again to exit now)`);
  try {
    await runtime.close();
    await services.close();
    log('stopped');
    process.exit(0);
  } catch (error) {
    log(`error while stopping: ${(error as Error).message}`);
    process.exit(1);
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
