import { parentPort } from 'node:worker_threads';
import { serve } from './serve.ts';

// Entry module of a policy sandbox worker thread (started by sandbox.ts).

if (!parentPort) throw new Error('the policy sandbox worker must run in a worker thread');
serve(parentPort);
