// An advisory gate in front of a claim's compare-and-swap. When a free claim is
// contended, one claimer enters the gate and does the CAS; the others wait for the
// gate to open and then find the claim held, without each computing a transition and
// queueing on the store's write tokens. Correctness never depends on the gate: the
// CAS alone decides who wins, so a stale, vanished or unreadable gate just lets the
// caller go straight to the CAS.
//
// The gate is a symbolic link whose target is the holder's identityText:
// symlink(2) creates the name and its content in one atomic step, so nobody ever
// sees a half-written gate, and it needs no fsync because it is never durable state.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import { hasErrno } from '../errors.ts';
import { waitForDirChange } from '../store/dirChange.ts';
import { identityText, linkHolderAlive, parseIdentityText, selfIdentity, type ProcessIdentity } from '../proc/processIdentity.ts';

export type GateEntry =
  | { readonly kind: 'entered'; readonly leave: () => void }
  | { readonly kind: 'busy'; readonly holder: ProcessIdentity }
  /** No usable gate (stale, vanished, unsupported): go ahead, the CAS still decides. */
  | { readonly kind: 'open' };

// Gates live in their own directory so a waiter's watch wakes only for gate changes,
// not for every temp file and token the winner's CAS writes next to the record.
function gatesDir(file: string): string {
  return path.join(path.dirname(file), '.gates');
}

function gateName(file: string): string {
  return path.basename(file);
}

function trySymlink(target: string, link: string): boolean {
  try {
    fs.symlinkSync(target, link);
    return true;
  } catch (e) {
    if (!hasErrno(e, 'ENOENT')) throw e;
  }
  fs.mkdirSync(path.dirname(link), { recursive: true, mode: 0o700 });
  fs.symlinkSync(target, link);
  return true;
}

export function enterGate(file: string): GateEntry {
  const gate = path.join(gatesDir(file), gateName(file));
  const me = identityText(selfIdentity());
  try {
    trySymlink(me, gate);
    return {
      kind: 'entered',
      leave: () => {
        try {
          if (fs.readlinkSync(gate) === me) fs.unlinkSync(gate);
        } catch {
          // Already gone: nothing to open.
        }
      },
    };
  } catch (e) {
    if (!hasErrno(e, 'EEXIST')) return { kind: 'open' };
  }
  let target: string;
  try {
    target = fs.readlinkSync(gate);
  } catch {
    return { kind: 'open' };
  }
  const holder = parseIdentityText(target);
  if (holder !== null && linkHolderAlive(gate, holder)) return { kind: 'busy', holder };
  // Left by a crashed claimer. Removing it can race with a fresh gate, which at worst
  // lets two claimers reach the CAS together: still exactly one wins.
  try {
    if (fs.readlinkSync(gate) === target) fs.unlinkSync(gate);
  } catch {
    // Someone else cleared it.
  }
  return { kind: 'open' };
}

/** Resolves when the gate is gone (or after `maxMs`, or when it cannot be watched). */
export function gateOpened(file: string, maxMs: number): Promise<void> {
  const gate = path.join(gatesDir(file), gateName(file));
  const gone = (): boolean => {
    try {
      fs.lstatSync(gate);
      return false;
    } catch {
      return true;
    }
  };
  return waitForDirChange(gatesDir(file), maxMs, { name: gateName(file), until: gone });
}
