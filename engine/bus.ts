import type { OpsflowConfig } from '../handlers/shared/config.ts';
import type { DeploymentEnvironment, Trigger, WorkflowModule } from '../workflows/types.ts';
import { isJsonObject } from './asl.ts';
import { scheduleRuleArn } from './naming.ts';
import { matchesPattern } from './router/pattern.ts';

/**
 * The local bus: which workflows an event starts (their EventBridge rules, evaluated locally),
 * and the chains of executions an event sets off, so that a caller can wait for everything an
 * execution caused and an event loop is cut after a bounded number of hops.
 */

/** Events an execution causes start executions one hop deeper; deeper than this is dropped. */
export const maxEventHops = 8;

export interface Route {
  readonly workflow: string;
  readonly trigger: Trigger;
}

export interface RoutableWorkflow {
  readonly module: WorkflowModule;
  readonly triggers: readonly Trigger[];
}

export function routableWorkflow(module: WorkflowModule, config: OpsflowConfig): RoutableWorkflow {
  return { module, triggers: module.triggers(config) };
}

/**
 * The rules an event matches: event triggers by their pattern, schedule triggers when the event
 * is the Scheduled Event of their rule (EventBridge names the rule in `resources`). Disabled
 * schedules match nothing, as a disabled rule does.
 */
export function routeEvent(workflows: readonly RoutableWorkflow[], event: unknown, env: DeploymentEnvironment): Route[] {
  const routes: Route[] = [];
  for (const { module, triggers } of workflows) {
    for (const trigger of triggers) {
      const matches =
        trigger.kind === 'event'
          ? matchesPattern(trigger.pattern, event)
          : trigger.enabled && isScheduledEventOf(event, scheduleRuleArn(env, module.name, trigger.id));
      if (matches) routes.push({ workflow: module.name, trigger });
    }
  }
  return routes;
}

function isScheduledEventOf(event: unknown, ruleArn: string): boolean {
  return (
    isJsonObject(event) &&
    event.source === 'aws.events' &&
    event['detail-type'] === 'Scheduled Event' &&
    Array.isArray(event.resources) &&
    event.resources.includes(ruleArn)
  );
}

/**
 * Every execution started by one `run`/`send`, by what those executions started (children and
 * the events they emitted), and so on: `settled()` waits for all of them, however late they
 * join, and returns them in start order.
 */
export class ExecutionChain<T> {
  private readonly started: { readonly done: Promise<T> }[] = [];

  track(done: Promise<T>): void {
    this.started.push({ done });
  }

  async settled(): Promise<T[]> {
    let count: number;
    do {
      count = this.started.length;
      await Promise.all(this.started.map((entry) => entry.done));
    } while (count !== this.started.length);
    return Promise.all(this.started.map((entry) => entry.done));
  }
}
