export {
  processStartError,
  ProcessSpawnerExitedError,
  setProcessStarter,
  spawnProcess,
  SPAWNER_EXITED,
  type ProcessEvent,
  type ProcessHandle,
  type ProcessSpec,
  type ProcessStarter,
} from './spawn-process.ts';
