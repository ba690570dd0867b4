// What an ask write needs, loaded together on demand: one bundle, so the machine and
// the store that moves it share one copy of XState. Read paths never load it.
export { createEntity, updateEntity } from '../store/entityStore.ts';
export { ASK_ENTITY } from './askEntity.ts';
