import { describe, expect, it } from 'vitest';
import { formatStateEvent } from '../../../cli/executions.ts';
import { failureOf, HistoryReader } from '../../../cli/history.ts';
import { HistoryBuilder, ROUTE53_DOWN, ROUTE53_OUTAGE_LINES, route53OutageHistory } from './history-events.ts';

/** What `watch` prints for a history: the local display's lines (cli/executions.ts formatStateEvent). */
function lines(reader: HistoryReader, events: Parameters<HistoryReader['read']>[0], workflow = 'instance-dns'): string[] {
  return reader.read(events).flatMap((event) => formatStateEvent({ workflow }, event) ?? []);
}

describe('a deployed execution history, read as the local display shows a run', () => {
  it('shows each state entered, in order, and records it as left when it exits', () => {
    const history = new HistoryBuilder();
    history.started();
    let last = history.entered('Task', 'DescribeInstance', 0);
    last = history.sdkCall(last, 'succeeded', 'describeInstances');
    last = history.exited('Task', 'DescribeInstance', last);
    last = history.entered('Choice', 'IsChangeNeeded', last);
    last = history.exited('Choice', 'IsChangeNeeded', last);
    last = history.entered('Succeed', 'Done', last);
    last = history.exited('Succeed', 'Done', last);
    history.succeeded(last);
    const reader = new HistoryReader();

    expect(lines(reader, history.events)).toEqual(['  instance-dns → DescribeInstance', '  instance-dns → IsChangeNeeded', '  instance-dns → Done']);
    expect(reader.states.map(({ name, type, status, retries }) => ({ name, type, status, retries }))).toEqual([
      { name: 'DescribeInstance', type: 'Task', status: 'succeeded', retries: 0 },
      { name: 'IsChangeNeeded', type: 'Choice', status: 'succeeded', retries: 0 },
      { name: 'Done', type: 'Succeed', status: 'succeeded', retries: 0 },
    ]);
    expect(reader.states[0]).toMatchObject({ enteredAt: '2026-11-30T09:00:02.000Z', exitedAt: '2026-11-30T09:00:06.000Z' });
    expect(reader).toMatchObject({ transitions: 3, ended: true, failure: undefined, lastEventId: 11 });
  });

  it('shows a failed call, its retry and its catch as a local run with the route53-outage faults shows them', () => {
    const reader = new HistoryReader();

    expect(lines(reader, route53OutageHistory().events)).toEqual([
      ...ROUTE53_OUTAGE_LINES,
    ]);
    expect(reader.states[0]).toMatchObject({ name: 'ReadRecord', status: 'caught', retries: 1, error: ROUTE53_DOWN.error, cause: ROUTE53_DOWN.cause });
    expect(reader.transitions).toBe(4);
    expect(reader.failure).toEqual({ state: 'Failed', ...ROUTE53_DOWN });
  });

  it('names the Task whose last failure ended the execution once, with its cause, when nothing caught it', () => {
    const cause = JSON.stringify({ errorMessage: 'reports-admin has 2 InService instances; expected one', errorType: 'AmbiguousGroup', trace: [] });
    const history = new HistoryBuilder();
    history.started();
    let last = history.entered('Task', 'PlanDnsChange', 0);
    last = history.lambdaCall(last, { error: 'Lambda.ServiceException', cause: 'Lambda is unavailable' });
    last = history.lambdaCall(last, { error: 'AmbiguousGroup', cause });
    history.failed(last, 'AmbiguousGroup', cause);
    const reader = new HistoryReader();

    expect(lines(reader, history.events)).toEqual([
      '  instance-dns → PlanDnsChange',
      '  instance-dns   ✗ PlanDnsChange failed: Lambda.ServiceException',
      '  instance-dns   ↻ PlanDnsChange retried after Lambda.ServiceException',
      '  instance-dns   ✗ PlanDnsChange failed: AmbiguousGroup',
    ]);
    expect(reader.failure).toEqual({ state: 'PlanDnsChange', error: 'AmbiguousGroup', cause });
    expect(failureOf(history.events)).toEqual(reader.failure);
  });

  it('gives each state inside an inline Map its iteration index, and none after the Map', () => {
    // As AWS links them: each iteration's start to the last event of the one before.
    const history = new HistoryBuilder();
    history.started();
    const map = history.entered('Map', 'EachGroup', 0);
    let last = history.add('MapStateStarted', map, { mapStateStartedEventDetails: { length: 3 } });
    for (const index of [0, 1, 2]) {
      const iteration = history.add('MapIterationStarted', last, { mapIterationStartedEventDetails: { name: 'EachGroup', index } });
      const entered = history.entered('Task', 'ReconcileGroup', iteration);
      const exited = history.exited('Task', 'ReconcileGroup', history.sdkCall(entered, 'succeeded'));
      history.add('MapIterationSucceeded', exited, { mapIterationSucceededEventDetails: { name: 'EachGroup', index } });
      last = exited;
    }
    const succeeded = history.add('MapStateSucceeded', history.events.length);
    last = history.exited('Map', 'EachGroup', succeeded - 1);
    last = history.entered('Pass', 'Summarise', last);
    history.succeeded(history.exited('Pass', 'Summarise', last));
    const reader = new HistoryReader();

    expect(lines(reader, history.events, 'dns-reconcile')).toEqual([
      '  dns-reconcile → EachGroup',
      '  dns-reconcile[0] → ReconcileGroup',
      '  dns-reconcile[1] → ReconcileGroup',
      '  dns-reconcile[2] → ReconcileGroup',
      '  dns-reconcile → Summarise',
    ]);
    expect(reader.states.map((state) => [state.name, state.mapIndex, state.status])).toEqual([
      ['EachGroup', undefined, 'succeeded'],
      ['ReconcileGroup', 0, 'succeeded'],
      ['ReconcileGroup', 1, 'succeeded'],
      ['ReconcileGroup', 2, 'succeeded'],
      ['Summarise', undefined, 'succeeded'],
    ]);
  });

  it('keeps the inner index for a Map inside a Map iteration', () => {
    const history = new HistoryBuilder();
    history.started();
    const outer = history.entered('Map', 'EachRegion', 0);
    const outerStarted = history.add('MapStateStarted', outer, { mapStateStartedEventDetails: { length: 2 } });
    const first = history.add('MapIterationStarted', outerStarted, { mapIterationStartedEventDetails: { name: 'EachRegion', index: 1 } });
    const inner = history.entered('Map', 'EachDomain', first);
    const innerStarted = history.add('MapStateStarted', inner, { mapStateStartedEventDetails: { length: 1 } });
    const innerIteration = history.add('MapIterationStarted', innerStarted, { mapIterationStartedEventDetails: { name: 'EachDomain', index: 0 } });
    const task = history.entered('Task', 'DescribeDomain', innerIteration);
    const done = history.exited('Task', 'DescribeDomain', history.sdkCall(task, 'succeeded'));
    const innerEnd = history.add('MapIterationSucceeded', done, { mapIterationSucceededEventDetails: { name: 'EachDomain', index: 0 } });
    history.add('MapStateSucceeded', innerEnd);
    history.exited('Map', 'EachDomain', innerEnd);
    const reader = new HistoryReader();

    expect(lines(reader, history.events, 'search-snapshot')).toEqual([
      '  search-snapshot → EachRegion',
      '  search-snapshot[1] → EachDomain',
      '  search-snapshot[0] → DescribeDomain',
    ]);
    expect(reader.states.find((state) => state.name === 'EachDomain')).toMatchObject({ status: 'succeeded', mapIndex: 1 });
  });

  it('shows a Map state retried after an iteration failed, and the failing state inside it at the end', () => {
    // LocalStack's test_map_state_retry_legacy, as recorded against AWS: a Fail state in the only iteration, the Map retried twice.
    const history = new HistoryBuilder();
    history.started();
    const map = history.entered('Map', 'MapState', 0);
    let previous = map;
    let failedAt = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = history.add('MapStateStarted', previous, { mapStateStartedEventDetails: { length: 1 } });
      const iteration = history.add('MapIterationStarted', started, { mapIterationStartedEventDetails: { name: 'MapState', index: 0 } });
      failedAt = history.entered('Fail', 'HandleItemFail', iteration);
      history.add('MapIterationFailed', failedAt, { mapIterationFailedEventDetails: { name: 'MapState', index: 0 } });
      previous = failedAt;
    }
    const mapFailed = history.add('MapStateFailed', failedAt);
    history.failed(mapFailed, 'HandleItemFailError', 'HandleItemFailCause');
    const reader = new HistoryReader();

    expect(lines(reader, history.events, 'wf')).toEqual([
      '  wf → MapState',
      '  wf[0] → HandleItemFail',
      '  wf   ↻ MapState retried after an error',
      '  wf[0] → HandleItemFail',
      '  wf   ↻ MapState retried after an error',
      '  wf[0] → HandleItemFail',
      '  wf[0]   ✗ HandleItemFail failed: HandleItemFailError',
    ]);
    expect(reader.failure).toEqual({ state: 'HandleItemFail', mapIndex: 0, error: 'HandleItemFailError', cause: 'HandleItemFailCause' });
    expect(reader.transitions).toBe(6);
  });

  it('shows a Map state caught after a Task failed in an iteration, with the Task\'s error', () => {
    const history = new HistoryBuilder();
    history.started();
    const map = history.entered('Map', 'EachGroup', 0);
    const started = history.add('MapStateStarted', map, { mapStateStartedEventDetails: { length: 1 } });
    const iteration = history.add('MapIterationStarted', started, { mapIterationStartedEventDetails: { name: 'EachGroup', index: 0 } });
    const task = history.entered('Task', 'ReconcileGroup', iteration);
    const taskFailed = history.sdkCall(task, ROUTE53_DOWN);
    history.add('MapIterationFailed', taskFailed, { mapIterationFailedEventDetails: { name: 'EachGroup', index: 0 } });
    const mapFailed = history.add('MapStateFailed', taskFailed);
    const caught = history.exited('Map', 'EachGroup', mapFailed);
    history.succeeded(history.exited('Pass', 'RecordFailure', history.entered('Pass', 'RecordFailure', caught)));
    const reader = new HistoryReader();

    expect(lines(reader, history.events, 'dns-reconcile')).toEqual([
      '  dns-reconcile → EachGroup',
      '  dns-reconcile[0] → ReconcileGroup',
      '  dns-reconcile[0]   ✗ ReconcileGroup failed: Route53.Route53Exception',
      '  dns-reconcile   ✗ EachGroup failed: Route53.Route53Exception',
      '  dns-reconcile   ✗ EachGroup caught Route53.Route53Exception',
      '  dns-reconcile → RecordFailure',
    ]);
    expect(reader).toMatchObject({ ended: true, failure: undefined });
  });

  it('shows a Parallel state failed and caught after a Task failed in one of its branches', () => {
    const history = new HistoryBuilder();
    history.started();
    const parallel = history.entered('Parallel', 'BothRegions', 0);
    const started = history.add('ParallelStateStarted', parallel);
    const primary = history.entered('Task', 'DescribePrimary', started);
    const standby = history.entered('Task', 'DescribeStandby', started);
    const failed = history.sdkCall(primary, ROUTE53_DOWN);
    history.add('TaskStateAborted', standby);
    const parallelFailed = history.add('ParallelStateFailed', failed);
    const caught = history.exited('Parallel', 'BothRegions', parallelFailed);
    history.succeeded(history.exited('Pass', 'RecordFailure', history.entered('Pass', 'RecordFailure', caught)));
    const reader = new HistoryReader();

    expect(lines(reader, history.events, 'search-failover')).toEqual([
      '  search-failover → BothRegions',
      '  search-failover → DescribePrimary',
      '  search-failover → DescribeStandby',
      '  search-failover   ✗ DescribePrimary failed: Route53.Route53Exception',
      '  search-failover   ✗ BothRegions failed: Route53.Route53Exception',
      '  search-failover   ✗ BothRegions caught Route53.Route53Exception',
      '  search-failover → RecordFailure',
    ]);
    expect(reader.states.find((state) => state.name === 'BothRegions')).toMatchObject({ status: 'caught', error: ROUTE53_DOWN.error });
  });

  it.each([
    { type: 'ExecutionTimedOut', details: { executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'The execution timed out' } }, error: 'States.Timeout' },
    { type: 'ExecutionAborted', details: { executionAbortedEventDetails: {} }, error: 'ExecutionAborted' },
  ])('shows $type as a failure of the state it was in ($error)', ({ type, details, error }) => {
    const history = new HistoryBuilder();
    history.started();
    const gate = history.entered('Task', 'AwaitApproval', 0);
    history.add(type, gate, details);
    const reader = new HistoryReader();

    expect(lines(reader, history.events, 'search-failover')).toEqual(['  search-failover → AwaitApproval', `  search-failover   ✗ AwaitApproval failed: ${error}`]);
    expect(reader).toMatchObject({ ended: true, failure: { state: 'AwaitApproval', error } });
  });

  it('reads a history in pages as it grows, each event once, with the same result as reading it whole', () => {
    const events = route53OutageHistory().events;
    const whole = new HistoryReader();
    const paged = new HistoryReader();
    const all = lines(whole, events);

    const first = lines(paged, events.slice(0, 5));
    const overlapping = lines(paged, events.slice(3));

    expect([...first, ...overlapping]).toEqual(all);
    expect(paged.ended).toBe(true);
    expect(paged.states).toEqual(whole.states);
    expect(lines(paged, events)).toEqual([]);
  });

  it('takes a redrive as the execution running again: not ended, no failure, until it ends again', () => {
    const history = route53OutageHistory();
    const reader = new HistoryReader();
    reader.read(history.events);
    expect(reader).toMatchObject({ ended: true, redriven: false });

    const redriven = history.add('ExecutionRedriven', history.events.length, { executionRedrivenEventDetails: { redriveCount: 1 } });
    reader.read(history.events);
    expect(reader).toMatchObject({ ended: false, redriven: true, failure: undefined });

    const again = history.entered('Fail', 'Failed', redriven);
    history.failed(again, ROUTE53_DOWN.error, ROUTE53_DOWN.cause);
    expect(lines(reader, history.events)).toEqual(['  instance-dns → Failed', '  instance-dns   ✗ Failed failed: Route53.Route53Exception']);
    expect(reader).toMatchObject({ ended: true, failure: { state: 'Failed' } });
  });
});
