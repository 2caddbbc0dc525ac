import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../engine/engine.ts';
import { sampleWith } from '../../events/samples.ts';
import { Clock } from '../../engine/clock.ts';
import { world } from './harness.ts';

/**
 * Executions running at once share the engine's clock, through the real ASL: finding-enrichment
 * executions that arrive together about one principal run one investigate-principal run. Those
 * that send the same run input join it and end when it ends; one whose run input differs follows it
 * on the same timeline as the run itself.
 */

const SEED = 'test/fixtures/sandbox/findings.json';

type Finding = Record<string, unknown> & { Id: string; UserDefinedFields?: Record<string, string> };
type Report = { principals: { entityArn: string; status: string; reused: boolean }[] };

const [aliceFinding] = (JSON.parse(readFileSync(SEED, 'utf8')) as { securityHub: { findings: Finding[] } }).securityHub.findings as [Finding];

function imported(...findings: Finding[]) {
  return sampleWith('securityhub/findings-imported-guardduty-ssh-brute-force.json', { findings: findings.map((finding) => ({ ...finding, UserDefinedFields: { investigate: 'true' } })) });
}

/** Each execution once: an execution that joined a run lists that run too. */
const distinct = (records: readonly ExecutionRecord[]): ExecutionRecord[] => [...new Map(records.map((record) => [record.executionArn, record])).values()];

const secondsAfter = (start: string) => (time: string | undefined) => (Date.parse(time ?? '') - Date.parse(start)) / 1000;

describe('one clock through the real ASL', () => {
  it('lets an execution join another one\'s investigation run and end when the run ends', async () => {
    // The fixture's investigations run 300 s; the run polls Detective at 60, 180 and 420 s.
    const { sandbox, engine } = await world({ seed: SEED });
    const second = { ...structuredClone(aliceFinding), Id: `${aliceFinding.Id}-second` };
    sandbox.importFindings([second]);
    const since = secondsAfter(engine.clock.now().toISOString());

    const [first, other] = await Promise.all([engine.send(imported(aliceFinding)), engine.send(imported(second))]);
    const executions = distinct([...first, ...other]);

    const runs = executions.filter((record) => record.workflow === 'investigate-principal');
    expect(runs).toHaveLength(1);
    expect(since((runs[0] as ExecutionRecord).stopDate)).toBe(420);
    expect(sandbox.investigations()).toHaveLength(1);
    const enrichments = executions.filter((record) => record.workflow === 'finding-enrichment');
    expect(enrichments.map((record) => since(record.stopDate))).toEqual([420, 420]);
    expect(enrichments.flatMap((record) => record.states.filter((state) => state.name === 'DescribeRun'))).toEqual([]);
    for (const finding of [aliceFinding, second]) {
      expect((sandbox.finding(finding.Id) as Finding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL' });
    }
  });

  it('lets an execution whose run input differs follow the run and see it end at the run\'s own stop time', async () => {
    const { sandbox, engine } = await world({ seed: SEED });
    // Recent findings (older ones have their scope cut to Detective's year, whatever their hour): the same run name, as
    // the latest was first seen in the same hour, but the second event's scope starts three hours earlier.
    const seen = (hoursAgo: number) => new Date(engine.clock.now().getTime() - hoursAgo * 3_600_000).toISOString();
    const variant = (suffix: string, hoursAgo: number): Finding => ({ ...structuredClone(aliceFinding), Id: `${aliceFinding.Id}-${suffix}`, FirstObservedAt: seen(hoursAgo) });
    const [recent, second, earlier] = [variant('recent', 0), variant('second', 0), variant('earlier', 3)];
    sandbox.importFindings([recent, second, earlier]);
    const since = secondsAfter(engine.clock.now().toISOString());

    const [first, other] = await Promise.all([engine.send(imported(recent)), engine.send(imported(second, earlier))]);
    const executions = distinct([...first, ...other]);

    const runs = executions.filter((record) => record.workflow === 'investigate-principal');
    expect(runs).toHaveLength(1);
    const run = runs[0] as ExecutionRecord;
    expect(since(run.stopDate)).toBe(420);
    expect(sandbox.investigations()).toHaveLength(1);

    const enrichments = executions.filter((record) => record.workflow === 'finding-enrichment');
    const leader = enrichments.find((record) => record.states.every((state) => state.name !== 'DescribeRun')) as ExecutionRecord;
    const follower = enrichments.find((record) => record !== leader) as ExecutionRecord;
    expect(since(leader.stopDate)).toBe(420);
    // The follower looks at 0 s, then after 120, 240 and 480 s more: RUNNING until the look at 840 s, the first after 420 s.
    expect(follower.states.filter((state) => state.name === 'DescribeRun').map((state) => since(state.enteredAt))).toEqual([0, 120, 360, 840]);
    expect(since(follower.stopDate)).toBe(840);
    expect((follower.output as Report).principals).toEqual([expect.objectContaining({ status: 'SUCCESSFUL', reused: true })]);
    for (const finding of [recent, second, earlier]) {
      expect((sandbox.finding(finding.Id) as Finding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL' });
    }
  });
});

describe('tasks read the one clock too', () => {
  it("scopes an investigation from the engine's clock, not the machine's: it ends at the clock's next full hour", async () => {
    const { sandbox, engine } = await world({ seed: SEED, sandbox: { clock: Clock.simulated('2025-03-01T09:30:00Z') } });

    await engine.send(imported(aliceFinding));

    const [investigation] = sandbox.investigations();
    expect(investigation?.scopeEndTime).toBe('2025-03-01T10:00:00.000Z');
  });
});
