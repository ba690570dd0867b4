import type { CAC } from 'cac';

/** Claim verbs (claim, unclaim). */
export function registerClaims(_cli: CAC): void {}
