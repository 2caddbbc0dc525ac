import { Session } from 'node:inspector/promises';

/** A V8 CPU profile as the inspector's Profiler.stop returns it (the members read here). */
interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string }; readonly children?: readonly number[] }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a sample's time goes: the first matching rule names it, by the file its innermost frame runs. */
export interface ProfileCategory {
  readonly name: string;
  /** Matched against the frame's URL, or its function name for V8's own entries such as `(garbage collector)`. */
  readonly matches: RegExp;
}

export interface ProfileShare {
  readonly category: string;
  readonly ms: number;
  /** Share of the profiled time, in [0, 1]. */
  readonly share: number;
}

/**
 * Runs `work` under V8's sampling CPU profiler (the same profile as `node --cpu-prof`) and sums
 * the self time of its samples by category. Samples whose stack holds a frame that `excluded`
 * picks (work outside what is measured, such as a bench's set-up), the profiler's own and idle
 * time are left out.
 */
export async function profileShares(
  work: () => Promise<void>,
  categories: readonly ProfileCategory[],
  excluded: (frame: { functionName: string; url: string }) => boolean,
): Promise<ProfileShare[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    return sharesOf(profile, categories, excluded);
  } finally {
    session.disconnect();
  }
}

/** The profiler handing over its profile (node:inspector) is sampled too: not the work's time. */
function isProfilerOwn({ url }: { url: string }): boolean {
  return url === 'node:inspector' || url === 'node:inspector/promises';
}

function sharesOf(profile: CpuProfile, categories: readonly ProfileCategory[], excluded: (frame: { functionName: string; url: string }) => boolean): ProfileShare[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const leftOut = new Map<number, boolean>();
  const isLeftOut = (id: number): boolean => {
    const known = leftOut.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id);
    const parent = parents.get(id);
    const answer = node !== undefined && (isProfilerOwn(node.callFrame) || excluded(node.callFrame) || (parent !== undefined && isLeftOut(parent)));
    leftOut.set(id, answer);
    return answer;
  };
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || isLeftOut(id)) return;
    const micros = profile.timeDeltas[index] ?? 0;
    const category = categories.find((candidate) => candidate.matches.test(frame.url || frame.functionName))?.name ?? 'other';
    totals.set(category, (totals.get(category) ?? 0) + micros);
    all += micros;
  });
  return [...totals]
    .map(([category, micros]) => ({ category, ms: micros / 1000, share: all === 0 ? 0 : micros / all }))
    .sort((a, b) => b.ms - a.ms);
}
