// Contracts shared by the backend and the add-on. Imports zod only; no Node APIs (it is
// bundled into Apps Script).
export * as z from './zod';
export * from './sheet-convention';
export * from './output-columns';
export * from './header-preflight';
export * from './yes-no';
export * from './models';
export * from './model-lifecycle';
export * from './prompt-template';
export * from './row';
export * from './sizes';
export * from './row-id';
export * from './estimate';
export * from './batch-status';
export * from './contracts/problem';
export * from './contracts/batches';
export * from './contracts/packs';
export * from './contracts/brand-kit';
export * from './result-cells';
export * from './contracts/models';
export * from './reference-images';
export * from './review';
