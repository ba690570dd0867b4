// `<pid>-<counter>-<random>`: pid + counter are unique within this process's life and
// the random part covers pid reuse, so every acquisition and refresh is byte-unique.
// (Math.random rather than node:crypto: loading crypto costs the hot verb start-up time.)
let counter = 0;

export function newNonce(): string {
  counter += 1;
  return `${process.pid}-${counter}-${Math.floor(Math.random() * 0x100000000).toString(16)}`;
}
