// Unique-enough suffixes for temp and audit file names. Uniqueness comes from pid +
// counter; the random part only guards against pid reuse. node:crypto would cost
// the hot verbs a few ms of start-up for no gain here.
let counter = 0;

export function nonce(): string {
  counter += 1;
  return `${process.pid}.${counter}.${Math.floor(Math.random() * 0xffffffff).toString(16)}`;
}
