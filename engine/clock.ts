import { InvalidClockUse } from './errors.ts';

/**
 * One timeline for an engine, every execution it runs and the account they act on.
 *
 * A simulated clock is a discrete-event scheduler: time stands still while anything can run,
 * and moves only when every activity (an execution's run, a Map iteration, a Parallel branch)
 * is waiting on the clock, on a person or on another execution. It then jumps to the earliest
 * pending timer (a Wait, a retry interval, a task or execution timeout), fires it, and lets the
 * work that timer resumed run before it moves again. So executions running at once interleave
 * as they would on AWS, and whatever a task does in real time (a handler's HTTP call, say)
 * takes no simulated time. What runs is counted explicitly (`activity()`), never guessed from
 * the event loop.
 *
 * A timer can be gated: it stands for "a person did not answer in time" (a callback task's
 * TimeoutSeconds or HeartbeatSeconds). The clock never moves past a gated timer on its own; it
 * fires only once the gate is lifted (the caller said nobody will answer) or when `advance()`
 * carries the clock past it.
 *
 * A real-time clock uses the same interface with the system clock and real timers (for a real
 * AWS account, where time passes whatever the engine does): gates do not hold it and it cannot
 * be advanced.
 */

/** A pending timer; cancelling a fired or cancelled timer does nothing. */
export interface ClockTimer {
  /** When it fires, in ms since the epoch. */
  readonly at: number;
  cancel(): void;
  /** Lets the clock move to this timer on its own (see `Clock`). */
  ungate(): void;
}

export interface TimerOptions {
  /** The timer waits for a person: the clock moves to it only once ungated, or by `advance()`. */
  readonly gated?: boolean;
}

interface PendingTimer extends ClockTimer {
  readonly sequence: number;
  readonly fire: () => void;
  gated: boolean;
  done: boolean;
}

/** Longest delay Node's setTimeout keeps (2^31-1 ms); longer real timers are re-armed. */
const maxTimeoutMs = 2_147_483_647;

export class Clock {
  readonly realTime: boolean;
  #now: number;
  #sequence = 0;
  /** Simulated mode: pending timers, earliest first (then in creation order). */
  readonly #timers: PendingTimer[] = [];
  /** Activities running now: the clock waits while there is any. */
  #running = 0;
  #stepScheduled = false;
  /** `advance()` may carry the clock up to here, past gated timers. */
  #horizon = -Infinity;
  readonly #advances: { readonly until: number; readonly resolve: () => void }[] = [];

  private constructor(realTime: boolean, start: number) {
    this.realTime = realTime;
    this.#now = start;
  }

  /** A simulated clock that starts at `start` (default: the system clock's time now). */
  static simulated(start: Date | string | number = Date.now()): Clock {
    const ms = new Date(start).getTime();
    if (Number.isNaN(ms)) throw new InvalidClockUse(`a simulated clock needs a valid start time, got ${String(start)}`);
    return new Clock(false, ms);
  }

  /** The system clock, with real timers. */
  static realTime(): Clock {
    return new Clock(true, Date.now());
  }

  /** Now, in ms since the epoch. */
  millis(): number {
    return this.realTime ? Date.now() : this.#now;
  }

  now(): Date {
    return new Date(this.millis());
  }

  /** Calls `fire` once `seconds` have passed on this clock. */
  after(seconds: number, fire: () => void, options: TimerOptions = {}): ClockTimer {
    const at = this.millis() + Math.max(0, seconds) * 1000;
    return this.realTime ? realTimer(at, fire) : this.#schedule(at, fire, options.gated ?? false);
  }

  /** Something that runs in real time; the clock waits for it while it is active (see `Activity`). */
  activity(): Activity {
    return new Activity(this, () => this.#started(), () => this.#stopped());
  }

  /**
   * Carries the clock `seconds` forward, firing in time order every timer due by then, gated or
   * not, and letting the work each resumes run before the next. Resolves once the clock has
   * reached that time and nothing can run. Not for a real-time clock (InvalidClockUse).
   */
  advance(seconds: number): Promise<void> {
    if (this.realTime) throw new InvalidClockUse('a real-time clock cannot be advanced');
    if (!Number.isFinite(seconds) || seconds < 0) throw new InvalidClockUse(`advance takes a number of seconds >= 0, got ${String(seconds)}`);
    const until = this.#now + seconds * 1000;
    this.#horizon = Math.max(this.#horizon, until);
    return new Promise((resolve) => {
      this.#advances.push({ until, resolve });
      this.#wake();
    });
  }

  #schedule(at: number, fire: () => void, gated: boolean): ClockTimer {
    const timer: PendingTimer = {
      at,
      sequence: (this.#sequence += 1),
      fire,
      gated,
      done: false,
      cancel: () => {
        if (timer.done) return;
        timer.done = true;
        this.#timers.splice(this.#timers.indexOf(timer), 1);
      },
      ungate: () => {
        if (timer.done || !timer.gated) return;
        timer.gated = false;
        this.#wake();
      },
    };
    this.#timers.splice(insertionIndex(this.#timers, timer), 0, timer);
    if (this.#running === 0) this.#wake();
    return timer;
  }

  #started(): void {
    this.#running += 1;
  }

  #stopped(): void {
    this.#running -= 1;
    if (this.#running === 0) this.#wake();
  }

  /**
   * Looks at the timeline in a later macrotask, so that the microtasks of whatever just stopped
   * or fired (a promise resolved, an activity resuming) have all run by then.
   */
  #wake(): void {
    if (this.realTime || this.#stepScheduled) return;
    this.#stepScheduled = true;
    setImmediate(() => this.#step());
  }

  /** One move of the simulated clock, taken only when nothing runs. */
  #step(): void {
    this.#stepScheduled = false;
    if (this.#running > 0) return;
    if (this.#settleAdvances()) {
      this.#wake();
      return;
    }
    const next = this.#timers[0];
    if (next && (next.at <= Math.max(this.#now, this.#horizon) || !next.gated)) {
      this.#timers.shift();
      next.done = true;
      this.#now = Math.max(this.#now, next.at);
      next.fire();
      this.#wake();
      return;
    }
    if (this.#now < this.#horizon) {
      this.#now = this.#horizon;
      this.#wake();
    }
  }

  /** Resolves the `advance()` calls whose time has come; true if there were any. */
  #settleAdvances(): boolean {
    const due = this.#advances.filter((advance) => advance.until <= this.#now);
    if (due.length === 0) return false;
    for (const advance of due) {
      this.#advances.splice(this.#advances.indexOf(advance), 1);
      advance.resolve();
    }
    return true;
  }
}

function insertionIndex(timers: readonly PendingTimer[], timer: PendingTimer): number {
  let low = 0;
  let high = timers.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const other = timers[middle] as PendingTimer;
    if (other.at < timer.at || (other.at === timer.at && other.sequence < timer.sequence)) low = middle + 1;
    else high = middle;
  }
  return low;
}

function realTimer(at: number, fire: () => void): ClockTimer {
  let handle: NodeJS.Timeout | undefined;
  let done = false;
  const arm = (): void => {
    const remaining = at - Date.now();
    if (remaining <= 0) {
      done = true;
      fire();
      return;
    }
    handle = setTimeout(arm, Math.min(remaining, maxTimeoutMs));
  };
  arm();
  return {
    at,
    cancel: () => {
      if (done) return;
      done = true;
      clearTimeout(handle);
    },
    ungate: () => {},
  };
}

/**
 * Something that makes progress in real time, such as one run of an execution: while it is
 * active the simulated clock stands still. It counts as waiting while it awaits the clock
 * (`sleep`), or something outside it (`pause`, `waitFor`), and is active again the moment that
 * wait ends. Ending it (the run is over or aborted) cancels its timers; waits still open then no
 * longer count.
 */
export class Activity {
  #waits = 0;
  #ended = false;
  readonly #timers = new Set<ClockTimer>();

  constructor(
    readonly clock: Clock,
    private readonly started: () => void,
    private readonly stopped: () => void,
  ) {
    started();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Counts this activity as waiting until the returned function is called (once; later calls do nothing). */
  pause(): () => void {
    if (this.#ended) return () => {};
    this.#waits += 1;
    if (this.#waits === 1) this.stopped();
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      this.#resume();
    };
  }

  /** Waits for something outside this activity (an answer, another execution), counting as waiting meanwhile. */
  async waitFor<T>(promise: Promise<T>): Promise<T> {
    const resume = this.pause();
    try {
      return await promise;
    } finally {
      resume();
    }
  }

  /**
   * Resolves once `seconds` have passed on the clock; the activity is active again from the
   * moment the timer fires. If the activity ends first, it never resolves.
   */
  sleep(seconds: number, options: TimerOptions = {}): Promise<void> {
    return new Promise((resolve) => {
      const resume = this.pause();
      this.timer(seconds, () => {
        resume();
        resolve();
      }, options);
    });
  }

  /** A timer of this activity, cancelled when the activity ends. */
  timer(seconds: number, fire: () => void, options: TimerOptions = {}): ClockTimer {
    if (this.#ended) return { at: Infinity, cancel: () => {}, ungate: () => {} };
    const timer = this.clock.after(seconds, () => {
      this.#timers.delete(timer);
      fire();
    }, options);
    this.#timers.add(timer);
    return timer;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const timer of this.#timers) timer.cancel();
    this.#timers.clear();
    if (this.#waits === 0) this.stopped();
  }

  #resume(): void {
    if (this.#ended) return;
    this.#waits -= 1;
    if (this.#waits === 0) this.started();
  }
}
