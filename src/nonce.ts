// Unique-enough suffixes for temp and audit file names: `<pid>-<place tag>.<counter>.<hex>`.
// Uniqueness comes from pid + place + counter (two containers both have a pid 1); the
// random part only guards against pid reuse. The tag also tells a temp sweeper whose
// /proc can judge the writer (see sweepDeadTemps). node:crypto would cost the hot
// verbs a few ms of start-up for no gain here.
import { placeTag } from './proc/processIdentity.ts';

let counter = 0;
let prefix: string | undefined;

export function nonce(): string {
  counter += 1;
  if (prefix === undefined) {
    const tag = placeTag();
    prefix = tag === '' ? `${process.pid}` : `${process.pid}-${tag}`;
  }
  return `${prefix}.${counter}.${Math.floor(Math.random() * 0xffffffff).toString(16)}`;
}
