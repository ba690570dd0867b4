import { claimMachine } from '../../machines/claim.ts';
import type { ClaimContext } from '../../machines/claimTypes.ts';
import type { MachineEntity } from '../store/entityStore.ts';
import { CLAIM_KIND } from './claimKind.ts';

export const CLAIM_ENTITY: MachineEntity<ClaimContext, typeof claimMachine> = { ...CLAIM_KIND, machine: claimMachine };
