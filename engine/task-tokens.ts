import { randomBytes } from 'node:crypto';
import type { JsonValue } from '../workflows/types.ts';
import type { Clock, ClockTimer } from './clock.ts';
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
  /** On the engine's clock. */
  readonly openedAt: string;
  readonly heartbeatSeconds?: number;
  readonly timeoutSeconds?: number;
}

interface OpenTask {
  readonly pending: PendingTask;
  /** When the task's TimeoutSeconds runs out (ms since the epoch, on the engine's clock). */
  readonly deadline: number;
  readonly resolve: (output: JsonValue) => void;
  readonly reject: (error: Error) => void;
  /** The caller said nobody will answer: the timeouts may fire when nothing else can run. */
  unanswered: boolean;
  heartbeatTimer?: ClockTimer;
  timeoutTimer?: ClockTimer;
}

type ClosedReason = 'completed' | 'timedOut';

/**
 * The engine's side of `.waitForTaskToken`: a token is opened before the task sends its request
 * (so an answer that arrives during the request is not lost) and closed by its answer, by a
 * heartbeat or task timeout, or when its execution ends.
 *
 * The timeouts are timers on the engine's clock, gated: a person may answer at any moment, so a
 * simulated clock does not move past a waiting task's timeout by itself. It does once the caller
 * says nobody will answer (`willNotAnswer`), or when it advances the clock past the timeout.
 */
export class TaskTokens {
  private readonly open = new Map<string, OpenTask>();
  private readonly closed = new Map<string, ClosedReason>();
  /** Told of each token as it opens (`opened`). */
  private readonly openListeners = new Set<(task: PendingTask) => void>();

  constructor(private readonly clock: Clock) {}

  static mint(): string {
    return randomBytes(48).toString('base64url');
  }

  /**
   * Registers the token and returns the promise its answer settles: the output sent, the error
   * sent, or TaskFailure States.Timeout / States.HeartbeatTimeout.
   */
  wait(pending: PendingTask): Promise<JsonValue> {
    return new Promise<JsonValue>((resolve, reject) => {
      const { timeoutSeconds } = pending;
      const deadline = timeoutSeconds === undefined ? Infinity : this.clock.millis() + timeoutSeconds * 1000;
      const task: OpenTask = { pending, deadline, resolve, reject, unanswered: false };
      this.open.set(pending.token, task);
      for (const listener of [...this.openListeners]) listener(pending);
      this.armHeartbeat(task);
      if (timeoutSeconds !== undefined) {
        task.timeoutTimer = this.clock.after(
          timeoutSeconds,
          () => {
            this.close(pending.token, 'timedOut');
            reject(new TaskFailure('States.Timeout', `no answer within the task's TimeoutSeconds of ${timeoutSeconds}`));
          },
          { gated: true },
        );
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

  /** Nobody will answer these tokens (every open one when none is given): their timeouts may now fire. */
  willNotAnswer(token?: string): void {
    const tasks = token === undefined ? [...this.open.values()] : [this.get(token)];
    for (const task of tasks) {
      task.unanswered = true;
      task.heartbeatTimer?.ungate();
      task.timeoutTimer?.ungate();
    }
  }

  /** Closes a token without an answer (its request failed, or its execution ended). */
  discard(token: string): void {
    const task = this.open.get(token);
    if (task) this.close(token, this.clock.millis() >= task.deadline ? 'timedOut' : 'completed');
  }

  /** Fails every open task of the execution with `error`, so that nothing waits for their answers any more. */
  abandonExecution(executionArn: string, error: Error): void {
    for (const [token, task] of this.open) {
      if (task.pending.executionArn !== executionArn) continue;
      this.close(token, 'completed');
      task.reject(error);
    }
  }

  discardExecution(executionArn: string): void {
    for (const [token, task] of this.open) if (task.pending.executionArn === executionArn) this.discard(token);
  }

  /**
   * The first open task `match` accepts: one open now, else the next to open (as it opens, before
   * its request is sent). Rejects with `signal`'s reason if it aborts first.
   */
  opened(match: (task: PendingTask) => boolean, signal?: AbortSignal): Promise<PendingTask> {
    const open = this.list().find(match);
    if (open) return Promise.resolve(open);
    return new Promise<PendingTask>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const stop = (): void => {
        this.openListeners.delete(listener);
        signal?.removeEventListener('abort', aborted);
      };
      const listener = (task: PendingTask): void => {
        if (!match(task)) return;
        stop();
        resolve(task);
      };
      const aborted = (): void => {
        stop();
        reject(signal?.reason);
      };
      this.openListeners.add(listener);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  list(): PendingTask[] {
    return [...this.open.values()].map((task) => task.pending);
  }

  private armHeartbeat(task: OpenTask): void {
    const seconds = task.pending.heartbeatSeconds;
    if (seconds === undefined) return;
    task.heartbeatTimer?.cancel();
    task.heartbeatTimer = this.clock.after(
      seconds,
      () => {
        this.close(task.pending.token, 'timedOut');
        task.reject(new TaskFailure('States.HeartbeatTimeout', `no heartbeat for ${seconds} s`));
      },
      { gated: !task.unanswered },
    );
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
    task.heartbeatTimer?.cancel();
    task.timeoutTimer?.cancel();
    this.open.delete(token);
    this.closed.set(token, reason);
  }
}
