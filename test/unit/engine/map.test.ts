import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { accountId, createEngine, fakeFunction, region, workflow } from '../../fixtures/engine/harness.ts';

describe('Map and Parallel', () => {
  it('runs iterations at most MaxConcurrency at a time and records every state inside them', async () => {
    let active = 0;
    let mostActive = 0;
    const payloads: Record<string, unknown>[] = [];
    const work = fakeFunction(async (event) => {
      active += 1;
      mostActive = Math.max(mostActive, active);
      payloads.push(event as Record<string, unknown>);
      for (let turn = 0; turn < 5; turn += 1) await nextTurn();
      active -= 1;
      return { doubled: ((event as { item: { value: number } }).item.value) * 2 };
    });
    const engine = await createEngine({ workflows: [workflow('map-items', 'MapItems')], functions: { work } });
    const input = { items: [1, 2, 3, 4, 5] };

    const record = await engine.run('map-items', input, { name: 'map-run' });

    expect(record.status).toBe('SUCCEEDED');
    expect(mostActive).toBe(2);
    expect((record.output as { results: unknown[] }).results).toEqual([1, 2, 3, 4, 5].map((value) => ({ result: { doubled: value * 2 } })));
    // The Map state, then Work and Check in each of the five iterations (the Map is the last state).
    expect(record.transitions).toBe(11);
    const inside = record.states.filter((state) => state.name !== 'EachItem');
    expect(inside).toHaveLength(10);
    for (const index of [0, 1, 2, 3, 4]) {
      expect(inside.filter((state) => state.mapIndex === index).map((state) => state.name).sort()).toEqual(['Check', 'Work']);
    }
    expect(record.states.find((state) => state.name === 'EachItem')?.mapIndex).toBeUndefined();

    // Inside an iteration the context object is still the execution's.
    const executionArn = `arn:aws:states:${region}:${accountId}:execution:opsflow-test-MapItems:map-run`;
    expect(payloads.map((payload) => payload.item)).toEqual(expect.arrayContaining([{ value: 3, index: 2 }]));
    for (const payload of payloads) {
      expect(payload).toMatchObject({
        executionInput: input,
        executionName: 'map-run',
        executionId: executionArn,
        stateMachineId: `arn:aws:states:${region}:${accountId}:stateMachine:opsflow-test-MapItems`,
        stateName: 'Work',
      });
    }
  });

  it('records which iteration a failing state ran in', async () => {
    const work = fakeFunction(async (event) => {
      const { value } = (event as { item: { value: number } }).item;
      for (let turn = 0; turn < value; turn += 1) await nextTurn();
      if (value === 30) throw new RangeError('thirty is too many');
      return { value };
    });
    const engine = await createEngine({ workflows: [workflow('map-items', 'MapItems')], functions: { work } });

    const record = await engine.run('map-items', { items: [10, 20, 30, 40] });

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('RangeError');
    const failed = record.states.filter((state) => state.status === 'failed');
    expect(failed.map(({ name, mapIndex }) => ({ name, mapIndex }))).toEqual([
      { name: 'EachItem', mapIndex: undefined },
      { name: 'Work', mapIndex: 2 },
    ]);
    expect(record.states.filter((state) => state.name === 'Check').map((state) => state.mapIndex).sort()).toEqual([0, 1]);
  });

  it('counts the states of every Parallel branch, even when the Parallel state ends the execution', async () => {
    const engine = await createEngine({ workflows: [workflow('parallel-branches', 'Branches')] });

    const record = await engine.run('parallel-branches', {});

    expect(record.output).toEqual(['left', 'right']);
    expect(record.transitions).toBe(5);
    expect(record.states.map((state) => state.name).sort()).toEqual(['Both', 'LeftOne', 'LeftTwo', 'RightOne', 'RightTwo']);
    expect(record.states.every((state) => state.status === 'succeeded' && state.exitedAt !== undefined)).toBe(true);
  });

  it('fills the context object of the execution, its states and its branches as Step Functions does', async () => {
    const engine = await createEngine({ workflows: [workflow('context-object', 'ContextObject')] });
    const input = { part: { only: 'this' }, other: 1 };

    const record = await engine.run('context-object', input, { name: 'ctx-run' });

    const output = record.output as { root: Record<string, string>; branches: unknown[] };
    expect(output.root).toEqual({
      startTime: record.startDate,
      roleArn: `arn:aws:iam::${accountId}:role/opsflow-test-ContextObject`,
      stateMachineName: 'opsflow-test-ContextObject',
      stateName: 'Describe',
      enteredTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      formatted: 'Describe in ctx-run',
    });
    expect(Date.parse(output.root.enteredTime ?? '')).toBeGreaterThanOrEqual(Date.parse(record.startDate));
    expect(output.branches).toEqual([{ branchInput: { only: 'this' }, executionInput: input, stateName: 'InBranch' }]);
  });
});
