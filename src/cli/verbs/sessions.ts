import type { CAC } from 'cac';

/** Session verbs (worker start/kill/list, kill, send, screenshot, attach, log). */
export function registerSessions(_cli: CAC): void {}
