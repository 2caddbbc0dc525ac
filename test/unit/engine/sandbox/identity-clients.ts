import { readFileSync } from 'node:fs';

export const identityFixturePath = new URL('../../../fixtures/sandbox/identity.json', import.meta.url).pathname;

type Entities = Record<string, unknown>[];

/** A fresh copy of the identity fixture as plain JSON, to tweak per test (also into seeds the schema refuses). */
export function identitySeed(): { identityStore: { users: Entities; groups: Entities; [field: string]: unknown }; quickSight: { users: Entities; groups: Entities; [field: string]: unknown }; [field: string]: unknown } {
  return JSON.parse(readFileSync(identityFixturePath, 'utf8')) as ReturnType<typeof identitySeed>;
}
