import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** bin/opsflow.js when its reader stops early, as `opsflow run ... | head -2` does. */
describe('opsflow piped into a reader that closes early', () => {
  it('finishes its work (the --state file is saved) and exits with its own code, without an EPIPE crash', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'opsflow-pipe-'));
    const state = join(directory, 'state.json');
    try {
      const child = spawn(process.execPath, ['bin/opsflow.js', 'run', 'dns-reconcile', '--schedule', '--state', state], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // The reader takes the first chunk and goes away.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

      expect(stderr).not.toContain('EPIPE');
      expect(code).toBe(0);
      expect(existsSync(state)).toBe(true);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
