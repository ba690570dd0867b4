import { sessionMachine } from '../../machines/session.ts';
import type { SessionContext } from '../../machines/sessionTypes.ts';
import type { MachineEntity } from '../store/entityStore.ts';
import { SESSION_KIND } from './sessionKind.ts';

export const SESSION_ENTITY: MachineEntity<SessionContext, typeof sessionMachine> = { ...SESSION_KIND, machine: sessionMachine };
