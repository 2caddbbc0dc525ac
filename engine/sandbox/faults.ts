import * as z from 'zod';
import { InvalidSandboxOptions } from './errors.ts';
import { unitHash } from './ids.ts';

/**
 * One fault rule, the same format for the sandbox (its services' calls) and the engine (the calls
 * it answers itself: Lambda invokes, child executions, DescribeExecution of its own runs, and any
 * Task picked by workflow and state).
 */
export const faultRuleSchema = z.strictObject({
  /** Lower-case Step Functions service name: route53, autoscaling, ec2, eventbridge, securityhub, detective, lambda, sfn... */
  service: z.string().min(1),
  /** Operation name (e.g. ChangeResourceRecordSets, Invoke, StartExecution); omitted, every operation of the service. */
  operation: z.string().min(1).optional(),
  /** Only calls made by this workflow's Tasks (an engine rule). */
  workflow: z.string().min(1).optional(),
  /** Only calls made by the Task state of this name (an engine rule). */
  state: z.string().min(1).optional(),
  /** AWS error code the call fails with, as the service sends it: Throttling, PriorRequestNotComplete, TooManyRequestsException... */
  error: z.string().min(1),
  message: z.string().optional(),
  /** 1-based numbers of the matching calls to fail, counted from when the rule was added. */
  nth: z.array(z.int().positive()).min(1).optional(),
  /** Fail the first N matching calls. */
  times: z.int().nonnegative().optional(),
  /** Fail this share of matching calls, chosen deterministically from the random seed. */
  fraction: z.number().min(0).max(1).optional(),
});

export type FaultRule = z.input<typeof faultRuleSchema>;

/** A call a rule may fail. `workflow` and `state` are known only to the engine. */
export interface FaultCall {
  readonly service: string;
  readonly operation: string;
  readonly workflow?: string;
  readonly state?: string;
}

/** AWS's own words for the codes injected most often. */
const awsMessages: Readonly<Record<string, string>> = {
  ThrottlingException: 'Rate exceeded',
  Throttling: 'Rate exceeded',
  TooManyRequestsException: 'Too Many Requests',
  RequestLimitExceeded: 'Request limit exceeded.',
  PriorRequestNotComplete: 'The request was rejected because Route 53 was still processing a prior request.',
  ResourceContention: 'You already have a pending update to an Auto Scaling resource (for example, a group, instance, or load balancer).',
  ServiceUnavailable: 'Service is unavailable. Please try again later.',
  InternalError: 'An internal error has occurred',
  InternalFailure: 'The request processing has failed because of an unknown error, exception or failure.',
  ServiceException: 'Lambda was unable to process the request because of an internal service error.',
};

export function faultMessage(rule: FaultRule): string {
  return rule.message ?? awsMessages[rule.error] ?? `${rule.error} (injected by a fault rule)`;
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly number: number;
  calls: number;
}

/**
 * Decides which calls fail. Each rule counts the calls it matches; a call fails with the first rule
 * whose selectors pick it (a rule with no selector fails every matching call). `problemOf` says
 * why a rule cannot apply where it is added (an unknown service, an engine-only selector...).
 */
export class FaultInjector {
  readonly #rules: ActiveRule[] = [];
  readonly #problemOf: (rule: FaultRule) => { field: string; message: string } | undefined;
  readonly #randomSeed: number;

  constructor(problemOf: (rule: FaultRule) => { field: string; message: string } | undefined, randomSeed: number) {
    this.#problemOf = problemOf;
    this.#randomSeed = randomSeed;
  }

  /** Adds a rule; InvalidSandboxOptions names the field of `where` that is wrong. */
  add(raw: unknown, where: string): void {
    const parsed = faultRuleSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = [where, ...(issue?.path ?? [])].join('.');
      throw new InvalidSandboxOptions(`${path}: ${issue?.message ?? 'invalid fault rule'}`);
    }
    const problem = this.#problemOf(parsed.data);
    if (problem) throw new InvalidSandboxOptions(`${where}.${problem.field}: ${problem.message}`);
    this.#rules.push({ rule: parsed.data, number: this.#rules.length, calls: 0 });
  }

  /** Drops every rule: calls succeed again (a replay after an outage). */
  clear(): void {
    this.#rules.length = 0;
  }

  /** Counts this call against every matching rule and returns the rule that fails it, if any. */
  check(call: FaultCall): FaultRule | undefined {
    let firing: FaultRule | undefined;
    for (const active of this.#rules) {
      if (!matches(active.rule, call)) continue;
      active.calls += 1;
      if (!firing && this.#fires(active)) firing = active.rule;
    }
    return firing;
  }

  #fires({ rule, number, calls }: ActiveRule): boolean {
    const selected = rule.nth !== undefined || rule.times !== undefined || rule.fraction !== undefined;
    if (!selected) return true;
    if (rule.nth?.includes(calls)) return true;
    if (rule.times !== undefined && calls <= rule.times) return true;
    return rule.fraction !== undefined && unitHash(this.#randomSeed, number, calls) < rule.fraction;
  }
}

function matches(rule: FaultRule, call: FaultCall): boolean {
  return (
    rule.service === call.service &&
    (rule.operation === undefined || rule.operation === call.operation) &&
    (rule.workflow === undefined || rule.workflow === call.workflow) &&
    (rule.state === undefined || rule.state === call.state)
  );
}

/** Whether a rule is the engine's to apply (it picks a workflow or a Task state). */
export function isEngineScoped(rule: FaultRule): boolean {
  return rule.workflow !== undefined || rule.state !== undefined;
}
