// What a claim write needs, loaded together on demand: one bundle, so the machine and
// the store that moves it share one copy of XState. Refusals never load it.
export { createEntity, updateEntity } from '../store/entityStore.ts';
export { CLAIM_ENTITY } from './claimEntity.ts';
