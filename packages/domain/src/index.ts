export * from './run-state.ts';
export * from './run-machine.ts';
export * from './errors.ts';
export * from './environment.ts';
