// `<pid>-<counter>-<random>`: pid + counter are unique within this process's life and
// the random part covers pid reuse, so every acquisition and refresh is byte-unique.
import { randomBytes } from 'node:crypto';

let counter = 0;

export function newNonce(): string {
  counter += 1;
  return `${process.pid}-${counter}-${randomBytes(4).toString('hex')}`;
}
