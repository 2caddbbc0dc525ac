import type { JsonValue } from '../workflows/types.ts';
import { isJsonObject } from './asl.ts';
import { TaskFailure } from './errors.ts';
import { FaultInjector, faultMessage, isEngineScoped, type FaultCall, type FaultRule } from './sandbox/faults.ts';
import { putEventsEntryCodes, type ServiceErrors } from './service-errors.ts';

export type { FaultRule } from './sandbox/faults.ts';

/** A Task state the engine can fail, by the fault rule's `service` and `operation` names. */
export interface FaultSite {
  readonly workflow: string;
  readonly state: string;
  readonly service: string;
  readonly operation: string;
}

/** The services whose calls the engine answers itself (no sandbox behind them). */
export const engineAnswered: Readonly<Record<string, readonly string[]>> = {
  lambda: ['Invoke'],
  sfn: ['StartExecution', 'DescribeExecution', 'ListExecutions'],
};

/**
 * Fault injection for what the engine runs itself: Lambda invokes (`lambda` / `Invoke`), child
 * executions (`sfn` / `StartExecution`), DescribeExecution and ListExecutions of its own runs, and any Task picked by
 * `workflow` and `state` whatever it calls. Rules use the sandbox's format; a failure is raised as
 * the integration would raise it (its name, and a Cause in Step Functions' words).
 */
export class EngineFaults {
  private readonly injector: FaultInjector;

  /**
   * `sites`: the Task states of the workflows built, filled as they are built. `unbuilt`: names of
   * workflows that exist but this engine does not run (another command's, another Region's stack);
   * a rule naming one is taken and never matches, so one faults file serves every command.
   */
  constructor(
    private readonly sites: readonly FaultSite[],
    randomSeed: number,
    private readonly unbuilt: () => ReadonlySet<string> = () => new Set(),
  ) {
    this.injector = new FaultInjector((rule) => this.problemOf(rule), randomSeed);
  }

  add(rule: unknown, where: string): void {
    this.injector.add(rule, where);
  }

  clear(): void {
    this.injector.clear();
  }

  check(call: FaultCall): FaultRule | undefined {
    return this.injector.check(call);
  }

  private problemOf(rule: FaultRule): { field: string; message: string } | undefined {
    if (!isEngineScoped(rule)) {
      const operations = engineAnswered[rule.service];
      if (!operations) {
        return {
          field: 'service',
          message: `the engine answers ${Object.keys(engineAnswered).join(', ')} itself; a rule for ${rule.service} goes to the sandbox, or names a workflow or state`,
        };
      }
      if (rule.operation !== undefined && !operations.includes(rule.operation)) {
        return { field: 'operation', message: `the engine answers ${rule.service} ${operations.join(', ')}, not ${rule.operation}` };
      }
      return undefined;
    }
    const candidates = this.sites.filter((site) => rule.workflow === undefined || site.workflow === rule.workflow);
    if (candidates.length === 0 && rule.workflow !== undefined && this.unbuilt().has(rule.workflow)) return undefined;
    if (candidates.length === 0) return { field: 'workflow', message: `no workflow named ${String(rule.workflow)}` };
    const states = rule.state === undefined ? candidates : candidates.filter((site) => site.state === rule.state);
    if (states.length === 0) return { field: 'state', message: `no Task state named ${String(rule.state)}${rule.workflow ? ` in ${rule.workflow}` : ''}` };
    const matching = states.filter((site) => site.service === rule.service && (rule.operation === undefined || site.operation === rule.operation));
    if (matching.length === 0) {
      const calls = [...new Set(states.map((site) => `${site.service} ${site.operation}`))].join(', ');
      return { field: 'service', message: `those Task states call ${calls}, not ${rule.service}${rule.operation ? ` ${rule.operation}` : ''}` };
    }
    return undefined;
  }
}

/**
 * The failure an injected fault raises in a Task of this integration: the modeled name or the
 * fallback, and the Cause Step Functions writes. A PutEvents throttling or internal failure
 * arrives per entry in a successful answer, which the optimized integration turns into
 * `EventBridge.FailedEntry` with the answer as the Cause.
 */
export function injectedFailure(rule: FaultRule, errors: ServiceErrors | undefined, input: JsonValue): TaskFailure {
  const message = faultMessage(rule);
  if (rule.service === 'eventbridge' && Object.hasOwn(putEventsEntryCodes, rule.error)) {
    const entries = isJsonObject(input) && Array.isArray(input.Entries) ? input.Entries : [];
    const failed = entries.map(() => ({ ErrorCode: rule.error, ErrorMessage: rule.message ?? putEventsEntryCodes[rule.error] }));
    return new TaskFailure('EventBridge.FailedEntry', JSON.stringify({ Entries: failed, FailedEntryCount: failed.length }));
  }
  if (!errors) return new TaskFailure('States.TaskFailed', message);
  return errors.taskFailure(rule.error, message);
}
