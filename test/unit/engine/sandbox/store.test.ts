import { describe, expect, it } from 'vitest';
import { SandboxStoreMisuse } from '../../../../engine/sandbox/errors.ts';
import { Cell, cloneData, deepFreeze, Journal, SortedTable, Table } from '../../../../engine/sandbox/store.ts';

interface Item {
  id: string;
  group: string;
  count: number;
  tags: string[];
}

const item = (id: string, group = 'a', count = 0): Item => ({ id, group, count, tags: [] });

function items(journal = new Journal()) {
  const table = new Table<Item, 'group'>(journal, (entry) => entry.id, {
    items: [item('one', 'a'), item('two', 'b'), item('three', 'a')],
    indexes: { group: (entry) => entry.group },
  });
  return { journal, table, ids: () => [...table.values()].map((entry) => entry.id) };
}

/** Runs a transaction that makes its changes and then fails. */
function failing(journal: Journal, change: () => void): unknown {
  try {
    journal.transact(() => {
      change();
      throw new RangeError('the operation failed after changing things');
    });
  } catch (error) {
    return error;
  }
  return expect.unreachable('the transaction should have failed');
}

describe('Journal and Table', () => {
  it('keeps what a transaction changed when it returns, and gives back its result', () => {
    const { journal, table, ids } = items();
    const result = journal.transact(() => {
      table.insert(item('four', 'b'));
      table.replace({ ...item('two', 'b'), count: 2 });
      return 'done';
    });
    expect(result).toBe('done');
    expect(ids()).toEqual(['one', 'two', 'three', 'four']);
    expect(table.get('two')?.count).toBe(2);
    expect(table.where('group', 'b').map((entry) => entry.id)).toEqual(['two', 'four']);
  });

  it('undoes everything a failed transaction did, newest first: order, versions and indexes as they were', () => {
    const { journal, table, ids } = items();
    const before = [...table.values()];
    const error = failing(journal, () => {
      table.insert(item('four', 'a'));
      const draft = table.edit('one');
      if (draft) draft.count = 10;
      table.replace({ ...item('two', 'b'), count: 5 });
      table.insert(item('five', 'b'));
      table.replace({ ...item('five', 'b'), count: 1 });
    });
    expect(error).toBeInstanceOf(RangeError);
    expect(ids()).toEqual(['one', 'two', 'three']);
    expect([...table.values()]).toEqual(before);
    expect([...table.values()].every((entry, index) => entry === before[index])).toBe(true);
    expect(table.where('group', 'a').map((entry) => entry.id)).toEqual(['one', 'three']);
    expect(table.where('group', 'b').map((entry) => entry.id)).toEqual(['two']);
    expect(table.has('four')).toBe(false);
    expect(table.size).toBe(3);
  });

  it('copies an entity once per transaction on edit, and leaves the stored version as it was (copy-on-write)', () => {
    const { journal, table } = items();
    const stored = table.get('one');
    journal.transact(() => {
      const draft = table.edit('one');
      expect(draft).not.toBe(stored);
      expect(table.edit('one')).toBe(draft);
      draft?.tags.push('edited');
      if (draft) draft.count += 1;
    });
    expect(stored).toEqual(item('one', 'a'));
    expect(table.get('one')).toEqual({ ...item('one', 'a'), count: 1, tags: ['edited'] });
    expect(journal.transact(() => table.edit('missing'))).toBeUndefined();
  });

  it('freezes what it stores, so a change that bypasses the journal fails at once', () => {
    const { journal, table } = items();
    const stored = table.get('one') as Item;
    expect(() => {
      stored.count = 3;
    }).toThrow(TypeError);
    expect(() => stored.tags.push('x')).toThrow(TypeError);
    journal.transact(() => table.insert(item('four')));
    expect(Object.isFrozen(table.get('four'))).toBe(true);
    expect(Object.isFrozen(table.get('four')?.tags)).toBe(true);
  });

  it('refuses a change outside a transaction before making it, a nested transaction, a taken key and a changed indexed attribute', () => {
    const { journal, table, ids } = items();
    expect(() => table.insert(item('four'))).toThrow(SandboxStoreMisuse);
    expect(ids()).toEqual(['one', 'two', 'three']);
    expect(() => journal.transact(() => journal.transact(() => undefined))).toThrow('a sandbox transaction was opened inside another');
    expect(() => journal.transact(() => table.insert(item('one')))).toThrow('insert: the key one is taken');
    expect(() => journal.transact(() => table.replace(item('one', 'b')))).toThrow('replace: one would change its indexed group');
    expect(() => journal.transact(() => table.replace(item('zero')))).toThrow('replace: no entity zero');
    expect(ids()).toEqual(['one', 'two', 'three']);
    expect(() => new Table<Item>(journal, (entry) => entry.id, { items: [item('one'), item('one')] })).toThrow('the key one is given twice');
  });

  it('finds entities by several keys or index values in table order, whatever order they are asked in', () => {
    const { table } = items();
    expect(table.inOrder(['three', 'missing', 'one', 'three']).map((entry) => entry.id)).toEqual(['one', 'three']);
    expect(table.where('group', 'b', 'a').map((entry) => entry.id)).toEqual(['one', 'two', 'three']);
    expect(table.where('group', 'c')).toEqual([]);
  });
});

describe('SortedTable', () => {
  const letters = (journal: Journal, ...values: string[]) =>
    new SortedTable<{ key: string; value: number }>(journal, (entry) => entry.key, (entry) => entry.key, values.map((key) => ({ key, value: 0 })));

  it('keeps entities sorted through inserts, replacements and deletes, and finds the first not before a probe', () => {
    const journal = new Journal();
    const table = letters(journal, 'm', 'c', 'x');
    journal.transact(() => {
      table.put({ key: 'a', value: 1 });
      table.put({ key: 'p', value: 1 });
      table.put({ key: 'm', value: 2 });
      table.delete('x');
    });
    expect([...table.values()]).toEqual([
      { key: 'a', value: 1 },
      { key: 'c', value: 0 },
      { key: 'm', value: 2 },
      { key: 'p', value: 1 },
    ]);
    expect(table.lowerBound({ key: 'd', value: 0 })).toBe(2);
    expect(table.lowerBound({ key: 'm', value: 0 })).toBe(2);
    expect(table.lowerBound({ key: 'z', value: 0 })).toBe(4);
    expect(table.slice(1, 3).map((entry) => entry.key)).toEqual(['c', 'm']);
    expect(table.get('p')?.value).toBe(1);
    expect(journal.transact(() => table.delete('x'))).toBe(false);
  });

  it('puts every entity back in its place when a transaction fails', () => {
    const journal = new Journal();
    const table = letters(journal, 'b', 'd', 'f', 'h');
    const before = [...table.values()];
    failing(journal, () => {
      table.delete('d');
      table.put({ key: 'e', value: 1 });
      table.put({ key: 'b', value: 9 });
      table.delete('h');
      table.put({ key: 'a', value: 1 });
      table.delete('e');
    });
    expect([...table.values()]).toEqual(before);
    expect(table.size).toBe(4);
    expect(table.get('e')).toBeUndefined();
    expect(table.lowerBound({ key: 'e', value: 0 })).toBe(2);
  });

  it('refuses a seed that gives one key twice', () => {
    expect(() => letters(new Journal(), 'a', 'a')).toThrow(SandboxStoreMisuse);
  });
});

describe('Cell', () => {
  it('replaces its value in a transaction and gets the old one back when it fails', () => {
    const journal = new Journal();
    const cell = new Cell(journal, ['open']);
    journal.transact(() => cell.set([...cell.get(), 'second']));
    expect(cell.get()).toEqual(['open', 'second']);
    failing(journal, () => cell.set([]));
    expect(cell.get()).toEqual(['open', 'second']);
    expect(Object.isFrozen(cell.get())).toBe(true);
  });
});

describe('cloneData and deepFreeze', () => {
  it('copies plain data deeply, Dates included, and anything else as structuredClone does', () => {
    const when = new Date('2025-02-01T12:00:00Z');
    const bytes = new Uint8Array([1, 2, 3]);
    const original = { list: [{ at: when, missing: undefined }], nested: { bytes }, empty: null };
    const copy = cloneData(original);
    expect(copy).toEqual(original);
    expect(copy.list[0]?.at).not.toBe(when);
    expect(copy.list[0]?.at.getTime()).toBe(when.getTime());
    expect('missing' in (copy.list[0] ?? {})).toBe(true);
    expect(copy.nested.bytes).not.toBe(bytes);
    expect([...copy.nested.bytes]).toEqual([1, 2, 3]);
    copy.list.push({ at: when, missing: undefined });
    expect(original.list).toHaveLength(1);
  });

  it('copies and freezes data nested deeper than recursion goes', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 20_000; level += 1) deep = { inner: deep };
    const copy = cloneData(deep);
    // Booleans only: vitest's own deep comparison would overflow on such a value.
    expect(copy !== deep && copy.inner !== deep.inner).toBe(true);
    expect(deepFreeze(copy) === copy && Object.isFrozen(copy.inner)).toBe(true);
    let leaf: Record<string, unknown> = copy;
    while (leaf.inner !== undefined) leaf = leaf.inner as Record<string, unknown>;
    expect(leaf.leaf).toBe(true);
    expect(Object.isFrozen(leaf)).toBe(true);
  });
});
