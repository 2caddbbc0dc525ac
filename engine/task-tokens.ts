import { randomBytes } from 'node:crypto';
import type { JsonValue } from '../workflows/types.ts';
import { TaskDoesNotExist, TaskFailure, TaskTimedOut } from './errors.ts';

/** A callback task waiting for SendTaskSuccess / SendTaskFailure. */
export interface PendingTask {
  readonly token: string;
  readonly executionArn: string;
  readonly workflow: string;
  readonly stateName: string;
  readonly resource: string;
  /** What the task sent (its effective parameters), carrying the token. */
  readonly request: unknown;
  readonly openedAt: string;
  readonly heartbeatSeconds?: number;
  readonly timeoutSeconds?: number;
}

interface OpenTask {
  readonly pending: PendingTask;
  /** When the task's TimeoutSeconds runs out (ms since the epoch). */
  readonly deadline: number;
  readonly resolve: (output: JsonValue) => void;
  readonly reject: (error: Error) => void;
  heartbeatTimer?: NodeJS.Timeout;
  timeoutTimer?: NodeJS.Timeout;
}

type ClosedReason = 'completed' | 'timedOut';

/**
 * The engine's side of `.waitForTaskToken`: a token is opened before the task sends its request
 * (so an answer that arrives during the request is not lost) and closed by its answer, by a
 * heartbeat or task timeout, or when its execution ends.
 */
export class TaskTokens {
  private readonly open = new Map<string, OpenTask>();
  private readonly closed = new Map<string, ClosedReason>();

  static mint(): string {
    return randomBytes(48).toString('base64url');
  }

  /** Registers the token and returns the promise its answer settles. */
  wait(pending: PendingTask): Promise<JsonValue> {
    return new Promise<JsonValue>((resolve, reject) => {
      const deadline = pending.timeoutSeconds === undefined ? Infinity : Date.now() + pending.timeoutSeconds * 1000;
      const task: OpenTask = { pending, deadline, resolve, reject };
      this.open.set(pending.token, task);
      this.armHeartbeat(task);
      if (pending.timeoutSeconds !== undefined) {
        // The executor fails the task with States.Timeout at the same moment; this only closes the token.
        task.timeoutTimer = setTimeout(() => this.close(pending.token, 'timedOut'), pending.timeoutSeconds * 1000);
        task.timeoutTimer.unref();
      }
    });
  }

  succeed(token: string, output: JsonValue): void {
    const task = this.take(token);
    task.resolve(output);
  }

  fail(token: string, error: string, cause: string): void {
    const task = this.take(token);
    task.reject(new TaskFailure(error, cause));
  }

  heartbeat(token: string): void {
    const task = this.get(token);
    this.armHeartbeat(task);
  }

  /** Closes a token without an answer (its request failed, or its execution ended). */
  discard(token: string): void {
    const task = this.open.get(token);
    if (task) this.close(token, Date.now() >= task.deadline ? 'timedOut' : 'completed');
  }

  discardExecution(executionArn: string): void {
    for (const [token, task] of this.open) if (task.pending.executionArn === executionArn) this.discard(token);
  }

  list(): PendingTask[] {
    return [...this.open.values()].map((task) => task.pending);
  }

  private armHeartbeat(task: OpenTask): void {
    const seconds = task.pending.heartbeatSeconds;
    if (seconds === undefined) return;
    clearTimeout(task.heartbeatTimer);
    task.heartbeatTimer = setTimeout(() => {
      this.close(task.pending.token, 'timedOut');
      task.reject(new TaskFailure('States.HeartbeatTimeout', `no heartbeat for ${seconds} s`));
    }, seconds * 1000);
    task.heartbeatTimer.unref();
  }

  private get(token: string): OpenTask {
    const task = this.open.get(token);
    if (task) return task;
    if (this.closed.get(token) === 'timedOut') throw new TaskTimedOut('the task of this token timed out');
    throw new TaskDoesNotExist('no open task has this token (unknown, or its task already finished)');
  }

  private take(token: string): OpenTask {
    const task = this.get(token);
    this.close(token, 'completed');
    return task;
  }

  private close(token: string, reason: ClosedReason): void {
    const task = this.open.get(token);
    if (!task) return;
    clearTimeout(task.heartbeatTimer);
    clearTimeout(task.timeoutTimer);
    this.open.delete(token);
    this.closed.set(token, reason);
  }
}
