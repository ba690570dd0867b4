import { askMachine } from '../../machines/ask.ts';
import type { AskContext } from '../../machines/askTypes.ts';
import type { MachineEntity } from '../store/entityStore.ts';
import { ASK_KIND } from './askKind.ts';

export const ASK_ENTITY: MachineEntity<AskContext, typeof askMachine> = { ...ASK_KIND, machine: askMachine };
