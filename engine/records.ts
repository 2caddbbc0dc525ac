/**
 * What the engine records of every execution, as Step Functions' history would show it. Every
 * time is the engine's clock (engine/clock.ts), ISO-8601, shared by all its executions.
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export type StateStatus = 'entered' | 'succeeded' | 'failed' | 'retried' | 'caught';

export interface StateRecord {
  name: string;
  /** As written in the definition (a Wait stays a Wait when time is simulated). */
  type: string;
  enteredAt: string;
  exitedAt?: string;
  status: StateStatus;
  error?: string;
  cause?: string;
  retries: number;
  /** The Map iteration this state ran in. */
  mapIndex?: number;
}

export interface ExecutionRecord {
  executionArn: string;
  name: string;
  workflow: string;
  stateMachineArn: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  /** States entered, inside Map iterations and Parallel branches too, plus retries: what Step Functions bills. */
  transitions: number;
  states: StateRecord[];
  /**
   * Seconds from start to stop on the engine's simulated clock (0 while running, and with a
   * real-time clock): the time the execution would take on AWS, Waits, retry intervals and the
   * time spent waiting for other executions included, the tasks' own work not.
   */
  simulatedSeconds: number;
  startDate: string;
  stopDate?: string;
  parentExecutionArn?: string;
  triggeredBy?: { trigger: string; eventId?: string };
}

/** Live progress of one state, for the CLI; `state` is the (updated) record of that state. */
export interface StateEvent {
  readonly type: 'entered' | 'exited' | 'failed' | 'retried' | 'caught';
  readonly state: Readonly<StateRecord>;
  readonly timestamp: string;
}
