import { parentPort } from 'node:worker_threads';
import { serve } from '../serve.ts';

// A sandbox worker for tests of the hard wall-clock limit: `test.spin_ms(n)` busy-waits n ms in
// one builtin call without reporting work, as a runaway builtin would.

if (!parentPort) throw new Error('must run in a worker thread');
serve(parentPort, {
  builtins: new Map([
    [
      'test.spin_ms',
      {
        name: 'test.spin_ms',
        arity: 1,
        impl: ([ms]) => {
          const until = performance.now() + Number(ms);
          while (performance.now() < until);
          return true;
        },
      },
    ],
  ]),
});
