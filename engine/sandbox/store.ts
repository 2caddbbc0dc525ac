import { SandboxStoreMisuse } from './errors.ts';

/**
 * The containers the sandbox keeps its account in, and the undo log that makes a call atomic
 * without copying the account.
 *
 * Every change goes through a container, which records in the open transaction's journal how to
 * undo it. When the operation returns, the journal is dropped; when it throws, the undo entries
 * run newest first and the account is as it was. So a call costs what it reads and writes: a read
 * copies nothing, a write saves one entry (or copies the one entity it edits), and nothing is
 * proportional to how much the account holds.
 *
 * Stored values are frozen (deeply) when they are stored or when their transaction commits, so
 * code that changed an entity in place, bypassing the journal, fails at once with a TypeError
 * instead of escaping the undo log. To change an entity, `edit` it (a copy, once per transaction)
 * or store a new one.
 *
 * immer (11.2) was measured for this and not taken: its drafts copy a whole Map even to read one
 * entry, and a whole array to change one element, so a call on one finding among 10,000 cost about
 * 1.5 ms, growing with the account (engine/sandbox/README.md, "Cost of a call").
 */
export class Journal {
  #undo: (() => void)[] | undefined;
  /** Values stored or edited in the open transaction: mutable until it commits, then frozen. */
  readonly #writable = new Set<object>();

  /**
   * Runs `change` as one transaction: what it changed is kept if it returns and undone, newest
   * change first, if it throws (the error is rethrown). Transactions do not nest.
   */
  transact<T>(change: () => T): T {
    if (this.#undo) throw new SandboxStoreMisuse('a sandbox transaction was opened inside another');
    const undo: (() => void)[] = [];
    this.#undo = undo;
    try {
      const result = change();
      for (const value of this.#writable) deepFreeze(value);
      return result;
    } catch (error) {
      for (let index = undo.length - 1; index >= 0; index -= 1) undo[index]?.();
      throw error;
    } finally {
      this.#undo = undefined;
      this.#writable.clear();
    }
  }

  /**
   * Records how to undo a change about to be made (containers record first, so that a change
   * outside a transaction is refused before it happens); `stored` is the value it puts in a container.
   */
  changed(undo: () => void, stored?: object): void {
    if (!this.#undo) throw new SandboxStoreMisuse('the sandbox account was changed outside a transaction');
    this.#undo.push(undo);
    if (stored !== undefined) this.#writable.add(stored);
  }

  /** Whether the value was stored or edited in the open transaction (and may still be changed in place). */
  isWritable(value: object): boolean {
    return this.#writable.has(value);
  }
}

/**
 * Freezes a JSON-like value and everything in it; parts already frozen are taken as frozen
 * through. Iterative, so that no depth of nesting (an event's detail, say) overflows the stack.
 */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    // A typed array with elements cannot be frozen (a byte Body): it is left as it is.
    if (next === null || typeof next !== 'object' || Object.isFrozen(next) || ArrayBuffer.isView(next)) continue;
    Object.freeze(next);
    for (const member of Object.values(next)) pending.push(member);
  }
  return value;
}

/**
 * A deep copy of plain data: objects, arrays, Dates and primitives, as SDK inputs and outputs and
 * the account's entities are. Several times faster than structuredClone on the small objects a
 * call carries (about 1 against 4 µs for a ChangeResourceRecordSets input), which matters because
 * every call copies its input and its answer; anything else (a typed array, a class instance) is
 * copied by structuredClone. Iterative, so that no depth of nesting overflows the stack.
 */
export function cloneData<T>(value: T): T {
  const holder: Record<string, unknown> = { value };
  const pending: { readonly into: Record<string | number, unknown>; readonly key: string | number }[] = [{ into: holder, key: 'value' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { into, key } = next;
    const source = into[key];
    if (source === null || typeof source !== 'object') continue;
    let copy: Record<string | number, unknown>;
    if (Array.isArray(source)) copy = source.slice() as unknown as Record<number, unknown>;
    else if (source instanceof Date) copy = new Date(source.getTime()) as unknown as Record<string, unknown>;
    else if (isPlainObject(source)) copy = { ...source };
    else copy = structuredClone(source) as Record<string, unknown>;
    into[key] = copy;
    if (Array.isArray(copy) || isPlainObject(copy)) {
      for (const member of Object.keys(copy)) if (typeof copy[member] === 'object' && copy[member] !== null) pending.push({ into: copy, key: member });
    }
  }
  return holder.value as T;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Entities by key, in the order they were added (an entity replaced keeps its place). Nothing is
 * ever removed: the sandbox keeps history as AWS does (terminated instances, every change,
 * investigation and published event). Secondary indexes list the keys that share a value of an
 * immutable attribute (a finding's Id, an investigation's entity).
 */
export class Table<V extends object, I extends string = never> {
  readonly #rows = new Map<string, V>();
  /** Insertion order, to put entities found through several lookups back in the table's order. */
  readonly #order = new Map<string, number>();
  readonly #indexes = new Map<I, { readonly valueOf: (entity: V) => string; readonly keys: Map<string, string[]> }>();
  #added = 0;

  constructor(
    private readonly journal: Journal,
    private readonly keyOf: (entity: V) => string,
    options: { readonly items?: Iterable<V>; readonly indexes?: Readonly<Record<I, (entity: V) => string>> } = {},
  ) {
    for (const [name, valueOf] of Object.entries(options.indexes ?? {}) as [I, (entity: V) => string][]) {
      this.#indexes.set(name, { valueOf, keys: new Map() });
    }
    for (const entity of options.items ?? []) {
      if (this.#rows.has(keyOf(entity))) throw new SandboxStoreMisuse(`the key ${keyOf(entity)} is given twice`);
      this.#add(deepFreeze(entity));
    }
  }

  get size(): number {
    return this.#rows.size;
  }

  /** The stored entity (frozen outside the transaction that stored it): read it, do not change it. */
  get(key: string): V | undefined {
    return this.#rows.get(key);
  }

  has(key: string): boolean {
    return this.#rows.has(key);
  }

  values(): IterableIterator<V> {
    return this.#rows.values();
  }

  /** The entities whose index `index` reads one of `values`, in table order. */
  where(index: I, ...values: string[]): V[] {
    const { keys } = this.#index(index);
    if (values.length === 1) return (keys.get(values[0] ?? '') ?? []).map((key) => this.#rows.get(key) as V);
    return this.inOrder(values.flatMap((value) => keys.get(value) ?? []));
  }

  /** The entities of these keys (unknown keys and repeats skipped), in table order. */
  inOrder(keys: Iterable<string>): V[] {
    const found = [...new Set(keys)].filter((key) => this.#rows.has(key));
    found.sort((a, b) => (this.#order.get(a) ?? 0) - (this.#order.get(b) ?? 0));
    return found.map((key) => this.#rows.get(key) as V);
  }

  /** Adds a new entity at the end. SandboxStoreMisuse if its key is taken. */
  insert(entity: V): void {
    const key = this.keyOf(entity);
    if (this.#rows.has(key)) throw new SandboxStoreMisuse(`insert: the key ${key} is taken`);
    this.journal.changed(() => this.#remove(key), entity);
    this.#add(entity);
  }

  /** Stores a new version of an entity in its place. Its indexed attributes must not change. */
  replace(entity: V): void {
    const key = this.keyOf(entity);
    const previous = this.#rows.get(key);
    if (previous === undefined) throw new SandboxStoreMisuse(`replace: no entity ${key}`);
    for (const [name, { valueOf }] of this.#indexes) {
      if (valueOf(previous) !== valueOf(entity)) throw new SandboxStoreMisuse(`replace: ${key} would change its indexed ${name}`);
    }
    this.journal.changed(() => this.#rows.set(key, previous), entity);
    this.#rows.set(key, entity);
  }

  /**
   * Copy-on-write: a copy of the entity, stored in its place, to change in place until the
   * transaction ends (the same copy however often it is asked for). Undefined for an unknown key.
   */
  edit(key: string): V | undefined {
    const current = this.#rows.get(key);
    if (current === undefined || this.journal.isWritable(current)) return current;
    const draft = cloneData(current);
    this.replace(draft);
    return draft;
  }

  #add(entity: V): void {
    const key = this.keyOf(entity);
    this.#rows.set(key, entity);
    this.#order.set(key, (this.#added += 1));
    for (const { valueOf, keys } of this.#indexes.values()) {
      const value = valueOf(entity);
      const bucket = keys.get(value);
      if (bucket) bucket.push(key);
      else keys.set(value, [key]);
    }
  }

  /** Undoes the last #add (undo entries run newest first, so it is the last key of its buckets). */
  #remove(key: string): void {
    const entity = this.#rows.get(key);
    if (entity === undefined) return;
    for (const { valueOf, keys } of this.#indexes.values()) {
      const value = valueOf(entity);
      const bucket = keys.get(value);
      bucket?.pop();
      if (bucket?.length === 0) keys.delete(value);
    }
    this.#rows.delete(key);
    this.#order.delete(key);
  }

  #index(name: I): { readonly keys: Map<string, string[]> } {
    const index = this.#indexes.get(name);
    if (!index) throw new SandboxStoreMisuse(`no index ${name}`);
    return index;
  }
}

/**
 * Entities kept sorted by a sort key (a string each entity has, distinct for distinct keys), with
 * lookup by key and by position: a page from any starting point is a binary search over the keys,
 * computed once per entity, and a slice, never a sort.
 */
export class SortedTable<V extends P, P extends object = V> {
  readonly #rows = new Map<string, V>();
  readonly #sorted: V[] = [];
  readonly #sortKeys: string[] = [];

  constructor(
    private readonly journal: Journal,
    private readonly keyOf: (entity: P) => string,
    private readonly sortKeyOf: (entity: P) => string,
    items: Iterable<V> = [],
  ) {
    const keyed = [...items].map((entity) => ({ entity: deepFreeze(entity), sortKey: sortKeyOf(entity) }));
    keyed.sort((a, b) => compareStrings(a.sortKey, b.sortKey));
    for (const { entity, sortKey } of keyed) {
      if (this.#rows.has(keyOf(entity))) throw new SandboxStoreMisuse(`the key ${keyOf(entity)} is given twice`);
      this.#rows.set(keyOf(entity), entity);
      this.#sorted.push(entity);
      this.#sortKeys.push(sortKey);
    }
  }

  get size(): number {
    return this.#sorted.length;
  }

  get(key: string): V | undefined {
    return this.#rows.get(key);
  }

  /** The position of the first entity whose sort key is not below `probe`'s. */
  lowerBound(probe: P): number {
    return this.#lowerBound(this.sortKeyOf(probe));
  }

  /** The position of the first entity whose sort key is not below `sortKey` (a page token's resume point). */
  lowerBoundOfKey(sortKey: string): number {
    return this.#lowerBound(sortKey);
  }

  /** The sort key of an entity of this table. */
  sortKey(entity: P): string {
    return this.sortKeyOf(entity);
  }

  at(position: number): V | undefined {
    return this.#sorted[position];
  }

  slice(start: number, end: number): V[] {
    return this.#sorted.slice(start, end);
  }

  values(): IterableIterator<V> {
    return this.#sorted.values();
  }

  /** Stores the entity, replacing the one of the same key. */
  put(entity: V): void {
    const key = this.keyOf(entity);
    const previous = this.#rows.get(key);
    const sortKey = this.sortKeyOf(entity);
    const position = this.#lowerBound(sortKey);
    if (previous === undefined) {
      this.journal.changed(() => {
        this.#sorted.splice(position, 1);
        this.#sortKeys.splice(position, 1);
        this.#rows.delete(key);
      }, entity);
      this.#sorted.splice(position, 0, entity);
      this.#sortKeys.splice(position, 0, sortKey);
    } else {
      this.journal.changed(() => {
        this.#sorted[position] = previous;
        this.#rows.set(key, previous);
      }, entity);
      this.#sorted[position] = entity;
    }
    this.#rows.set(key, entity);
  }

  /** Removes the entity of that key; false if there is none. */
  delete(key: string): boolean {
    const previous = this.#rows.get(key);
    if (previous === undefined) return false;
    const sortKey = this.sortKeyOf(previous);
    const position = this.#lowerBound(sortKey);
    this.journal.changed(() => {
      this.#sorted.splice(position, 0, previous);
      this.#sortKeys.splice(position, 0, sortKey);
      this.#rows.set(key, previous);
    });
    this.#sorted.splice(position, 1);
    this.#sortKeys.splice(position, 1);
    this.#rows.delete(key);
    return true;
  }

  #lowerBound(sortKey: string): number {
    let low = 0;
    let high = this.#sortKeys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareStrings(this.#sortKeys[middle] ?? '', sortKey) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Code-unit order, the order of `<` on strings. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** One value replaced as a whole: a short list of what is open now (lifecycle actions, pending failures). */
export class Cell<V extends object> {
  #value: V;

  constructor(
    private readonly journal: Journal,
    value: V,
  ) {
    this.#value = deepFreeze(value);
  }

  get(): V {
    return this.#value;
  }

  set(value: V): void {
    const previous = this.#value;
    this.journal.changed(() => {
      this.#value = previous;
    }, value);
    this.#value = value;
  }
}
