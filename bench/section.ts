/**
 * One section of bench/results.md. A section measures one thing, says how in its body (prose
 * and tables, markdown) and judges its goals; the runner numbers the sections, adds a goal table
 * under each, and prints every section's summary lines.
 */
export interface BenchSection {
  readonly title: string;
  run(context: BenchContext): Promise<SectionReport>;
}

export interface BenchContext {
  /** The repository root, which is also the working directory: paths in the repo are relative to it. */
  readonly root: string;
  /** bench/.out/ (gitignored): where a section may write build output. */
  readonly outDir: string;
  /** Progress for the person running the bench (stderr, so stdout stays the summary). */
  progress(line: string): void;
}

export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface SectionReport {
  /** Markdown under the section heading: how it was measured, then its tables. */
  readonly body: string;
  readonly goals: readonly Goal[];
  /** A few short lines for stdout. */
  readonly summary: readonly string[];
}
