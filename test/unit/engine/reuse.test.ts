import { describe, expect, it, vi } from 'vitest';
import { createEngine, fakeAccount, fakeFunction, workflow } from '../../fixtures/engine/harness.ts';

const constructed = vi.hoisted(() => ({ machines: 0 }));

vi.mock('aws-local-stepfunctions', async (importOriginal) => {
  const library = await importOriginal<typeof import('aws-local-stepfunctions')>();
  class CountedStateMachine extends library.StateMachine {
    constructor(...args: ConstructorParameters<typeof library.StateMachine>) {
      super(...args);
      constructed.machines += 1;
    }
  }
  return { ...library, StateMachine: CountedStateMachine };
});

describe('one build, many executions', () => {
  it('builds each state machine once and runs 200 executions of it', async () => {
    const account = fakeAccount();
    account.answers.DescribeAutoScalingGroupsCommand = (input) => ({ AutoScalingGroups: [{ AutoScalingGroupName: (input.AutoScalingGroupNames as string[])[0] }] });
    account.answers.ChangeResourceRecordSetsCommand = () => ({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    account.answers.GetChangeCommand = () => ({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const functions = {
      parse: fakeFunction(async (event) => ({ group: `group-${(event as { n: number }).n % 7}`, n: (event as { n: number }).n % 100 })),
      report: fakeFunction(async () => ({ reported: true })),
    };
    const engine = await createEngine({
      workflows: [workflow('twelve-states', 'TwelveStates'), workflow('child', 'ChildMachine')],
      functions,
      target: account,
    });
    // One per workflow, and the one-state probe the executor runs once per process (loadStatesTimeoutError).
    expect(constructed.machines).toBe(3);

    const records = await Promise.all(Array.from({ length: 200 }, (_, n) => engine.run('twelve-states', { n })));

    expect(records.map((record) => record.status)).toEqual(Array.from({ length: 200 }, () => 'SUCCEEDED'));
    expect(records[7]?.output).toEqual({ group: 'group-0', change: '/change/C1', execution: records[7]?.name, recorded: true });
    // Started at the same instant on one clock, every execution waits its 5 s alongside the others.
    expect(records.every((record) => record.transitions === 11 && record.simulatedSeconds === 5)).toBe(true);
    expect(constructed.machines).toBe(3);
    expect(engine.machineBuilds).toBe(2);
  });
});
