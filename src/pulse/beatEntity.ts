import { beatMachine } from '../../machines/beat.ts';
import type { BeatContext } from '../../machines/beatTypes.ts';
import type { MachineEntity } from '../store/entityStore.ts';
import { BEAT_KIND } from './beatKind.ts';

export const BEAT_ENTITY: MachineEntity<BeatContext, typeof beatMachine> = { ...BEAT_KIND, machine: beatMachine };
