export {
  createGitRepoFixture,
  type CreateGitRepoFixtureOptions,
  type FixtureFiles,
  type GitRepoFixture,
} from './git-repo-fixture.ts';
export {
  blockingPlanConfig,
  createFifo,
  envDumpConfig,
  INVALID_HCL_ERROR_LINE,
  invalidHclConfig,
  localExecFileConfig,
  manyResourcesConfig,
  noChangesConfig,
  secretPrinterConfig,
  slowApplyConfig,
  terraformDataConfig,
  variableOutputConfig,
} from './tofu-configs.ts';
