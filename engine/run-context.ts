/**
 * The context object's `State` and `Task` for one run of a machine (the execution, a Parallel
 * branch, a Map iteration), kept up to date as its states are entered and retried. Step Functions'
 * format (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html):
 * `State.EnteredTime` (ISO 8601, when the state was entered), `State.Name`, `State.RetryCount` (the
 * retries of this visit so far), `Task.Token`; "The value for a Task field is null if the
 * Parameters field is outside of a task state". The definition's `$$.State` and `$$.Task` paths
 * read `$$.Opsflow.Run` (engine/asl.ts), which is `fields`.
 */
export interface RunContext {
  /** Own getters (the executor's JSONPath follows own properties only), a fresh object per read. */
  readonly fields: { readonly State: StateFields; readonly Task: { readonly Token: string } | null };
  entered(stateName: string): void;
  retried(): void;
}

export interface StateFields {
  readonly EnteredTime: string;
  readonly Name: string;
  readonly RetryCount: number;
}

/**
 * `stateTypes`: each state's type as written (a Wait run as a Task is a Wait); `issueToken`: the
 * attempt's task token, minted when a Task's Parameters first read it; `now`: the engine's clock
 * (engine/clock.ts), which `EnteredTime` is stamped with as the state is entered. A retry does not
 * enter the state again, so a retried attempt reads the time of that entry.
 */
export function runContext(stateTypes: ReadonlyMap<string, string>, issueToken: () => string, now: () => Date): RunContext {
  const visit = { name: '', enteredTime: '', retryCount: 0 };
  return {
    fields: {
      get State() {
        return { EnteredTime: visit.enteredTime, Name: visit.name, RetryCount: visit.retryCount };
      },
      get Task() {
        if (stateTypes.get(visit.name) !== 'Task') return null;
        return {
          get Token() {
            return issueToken();
          },
        };
      },
    },
    entered(stateName) {
      visit.name = stateName;
      visit.enteredTime = now().toISOString();
      visit.retryCount = 0;
    },
    retried() {
      visit.retryCount += 1;
    },
  };
}
