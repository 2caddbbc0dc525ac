import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * Execution histories as GetExecutionHistory returns them without execution data
 * (includeExecutionData false): HistoryEvent's id, previousEventId, timestamp, type and the
 * `*EventDetails` member of that type (Step Functions API Reference, HistoryEvent and its
 * details shapes). Event order and previousEventId links follow histories recorded against AWS
 * (LocalStack's snapshots, tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json
 * and error_handling/test_task_service_lambda.snapshot.json): the first state's previousEventId
 * is 0; a Map iteration's start links to the last event of the iteration before it; a Map state's
 * failure links to the failed iteration's last event.
 */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  constructor(private readonly startMs = Date.parse('2026-11-30T09:00:00.000Z')) {}

  /** Adds an event one second after the one before; returns its id. */
  add(type: string, previousEventId: number, details: Partial<HistoryEvent> = {}): number {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId, timestamp: new Date(this.startMs + id * 1000), type: type as HistoryEvent['type'], ...details });
    return id;
  }

  started(roleArn = 'arn:aws:iam::123456789012:role/opsflow-dev-InstanceDnsRole'): number {
    return this.add('ExecutionStarted', 0, { executionStartedEventDetails: { roleArn } });
  }

  entered(kind: string, name: string, previous: number): number {
    return this.add(`${kind}StateEntered`, previous, { stateEnteredEventDetails: { name } });
  }

  exited(kind: string, name: string, previous: number): number {
    return this.add(`${kind}StateExited`, previous, { stateExitedEventDetails: { name } });
  }

  /** An aws-sdk integration Task's call: TaskScheduled, TaskStarted, then TaskSucceeded or TaskFailed; returns the last id. */
  sdkCall(previous: number, outcome: { error: string; cause: string } | 'succeeded', resource = 'listResourceRecordSets'): number {
    const resourceType = 'aws-sdk:route53';
    const scheduled = this.add('TaskScheduled', previous, { taskScheduledEventDetails: { resourceType, resource, region: 'eu-west-1', parameters: '{"HostedZoneId":"Z0EXAMPLE1"}', timeoutInSeconds: 30 } });
    const started = this.add('TaskStarted', scheduled, { taskStartedEventDetails: { resourceType, resource } });
    if (outcome === 'succeeded') return this.add('TaskSucceeded', started, { taskSucceededEventDetails: { resourceType, resource } });
    return this.add('TaskFailed', started, { taskFailedEventDetails: { resourceType, resource, ...outcome } });
  }

  /** A Lambda function called by its ARN (the legacy Task resource): LambdaFunctionScheduled, Started, Succeeded or Failed. */
  lambdaCall(previous: number, outcome: { error: string; cause: string } | 'succeeded'): number {
    const scheduled = this.add('LambdaFunctionScheduled', previous, { lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:eu-west-1:123456789012:function:opsflow-dev-planDnsChange' } });
    const started = this.add('LambdaFunctionStarted', scheduled);
    if (outcome === 'succeeded') return this.add('LambdaFunctionSucceeded', started, { lambdaFunctionSucceededEventDetails: {} });
    return this.add('LambdaFunctionFailed', started, { lambdaFunctionFailedEventDetails: outcome });
  }

  succeeded(previous: number): number {
    return this.add('ExecutionSucceeded', previous, { executionSucceededEventDetails: {} });
  }

  failed(previous: number, error: string, cause: string): number {
    return this.add('ExecutionFailed', previous, { executionFailedEventDetails: { error, cause } });
  }
}

/** Route 53 down, as the route53-outage fault rehearses it: the error Step Functions names it with and its cause. */
export const ROUTE53_DOWN = {
  error: 'Route53.Route53Exception',
  cause: 'Service is unavailable. Please try again later. (Service: Route53, Status Code: 503, Request ID: 99cd6cb3-2e6f-4a61-9ac1-0cc35b0304e5)',
};

/**
 * instance-dns reading its record while Route 53 is down: ReadRecord fails, is retried once,
 * fails again and is caught; the execution ends in the Fail state. The local run of
 * examples/faults/route53-outage.json shows the same states.
 */
export function route53OutageHistory(): HistoryBuilder {
  const history = new HistoryBuilder();
  history.started();
  let last = history.entered('Task', 'ReadRecord', 0);
  last = history.sdkCall(last, ROUTE53_DOWN);
  last = history.sdkCall(last, ROUTE53_DOWN);
  last = history.exited('Task', 'ReadRecord', last);
  last = history.entered('Choice', 'MustReleaseLifecycle', last);
  last = history.exited('Choice', 'MustReleaseLifecycle', last);
  last = history.entered('Fail', 'Failed', last);
  history.failed(last, ROUTE53_DOWN.error, ROUTE53_DOWN.cause);
  return history;
}

/** GetExecutionHistory's answer with reverseOrder (newest first), as `watch` asks for it; `nextToken` when another page follows. */
export function newestFirst(events: readonly HistoryEvent[], nextToken?: string): { events: HistoryEvent[]; nextToken?: string } {
  return { events: [...events].reverse(), ...(nextToken ? { nextToken } : {}) };
}

/** What the local display shows of route53OutageHistory, as a local `run --faults` prints it. */
export const ROUTE53_OUTAGE_LINES = [
  '  instance-dns → ReadRecord',
  '  instance-dns   ✗ ReadRecord failed: Route53.Route53Exception',
  '  instance-dns   ↻ ReadRecord retried after Route53.Route53Exception',
  '  instance-dns   ✗ ReadRecord failed: Route53.Route53Exception',
  '  instance-dns   ✗ ReadRecord caught Route53.Route53Exception',
  '  instance-dns → MustReleaseLifecycle',
  '  instance-dns → Failed',
  '  instance-dns   ✗ Failed failed: Route53.Route53Exception',
] as const;
