// `worker start`: the pipeline lives in the domain (workers/startWorker.ts), where
// the pulse's start_worker calls it too.
export { startWorker as runWorkerStart, type WorkerStartInput, type WorkerStartResult } from '../workers/startWorker.ts';
export { describeEnd } from '../workers/earlyEnd.ts';
