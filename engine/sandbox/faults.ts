import * as z from 'zod';
import { InvalidSandboxOptions } from './errors.ts';
import { unitHash } from './ids.ts';
import type { SandboxService } from './service.ts';

export const faultRuleSchema = z.strictObject({
  /** Lower-case Step Functions service name: ec2, autoscaling, route53, eventbridge. */
  service: z.string().min(1),
  /** Operation name (e.g. ChangeResourceRecordSets); omitted, every operation of the service. */
  operation: z.string().min(1).optional(),
  /** AWS error code the call fails with, e.g. ThrottlingException, PriorRequestNotComplete. */
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

const awsMessages: Readonly<Record<string, string>> = {
  ThrottlingException: 'Rate exceeded',
  Throttling: 'Rate exceeded',
  RequestLimitExceeded: 'Request limit exceeded.',
  PriorRequestNotComplete: 'The request was rejected because Route 53 was still processing a prior request.',
  ServiceUnavailable: 'Service is unavailable. Please try again later.',
  InternalError: 'An internal error has occurred',
  InternalFailure: 'The request processing has failed because of an unknown error, exception or failure.',
};

export function faultMessage(rule: FaultRule): string {
  return rule.message ?? awsMessages[rule.error] ?? `${rule.error} (injected by a sandbox fault rule)`;
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly number: number;
  calls: number;
}

/**
 * Decides which calls fail. Each rule counts the calls it matches; a call fails with the first rule
 * whose selectors pick it (a rule with no selector fails every matching call).
 */
export class FaultInjector {
  readonly #rules: ActiveRule[] = [];
  readonly #services: readonly SandboxService[];
  readonly #randomSeed: number;

  constructor(services: readonly SandboxService[], randomSeed: number) {
    this.#services = services;
    this.#randomSeed = randomSeed;
  }

  add(raw: unknown, where: string): void {
    const parsed = faultRuleSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = [where, ...(issue?.path ?? [])].join('.');
      throw new InvalidSandboxOptions(`${path}: ${issue?.message ?? 'invalid fault rule'}`);
    }
    const rule = parsed.data;
    const service = this.#services.find((candidate) => candidate.key === rule.service);
    if (!service) {
      throw new InvalidSandboxOptions(
        `${where}.service: ${rule.service} is not simulated (one of ${this.#services.map((s) => s.key).join(', ')})`
      );
    }
    if (rule.operation !== undefined && !(rule.operation in service.operations)) {
      throw new InvalidSandboxOptions(`${where}.operation: ${rule.service} has no simulated operation ${rule.operation}`);
    }
    this.#rules.push({ rule, number: this.#rules.length, calls: 0 });
  }

  /** Counts this call against every matching rule and returns the rule that fails it, if any. */
  check(service: string, operation: string): FaultRule | undefined {
    let firing: FaultRule | undefined;
    for (const active of this.#rules) {
      const { rule } = active;
      if (rule.service !== service || (rule.operation !== undefined && rule.operation !== operation)) continue;
      active.calls += 1;
      if (!firing && this.#fires(active)) firing = rule;
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
