import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * On Node 20 every AWS SDK client construction would print the SDK's NodeVersionSupportWarning
 * (@aws-sdk/core stays quiet only when AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is exactly
 * 'true'); bin/opsflow.js sets it for people at a terminal, also when their shell left it empty.
 */
const run = promisify(execFile);
const event = 'workflows/instance-dns/example-input.json';

function environment(warningSetting: string | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  return warningSetting === undefined ? env : { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: warningSetting };
}

describe("bin/opsflow.js keeps the SDK's Node-version warning off stderr", () => {
  it.each([
    ['unset', undefined],
    ['empty', ''],
  ])('with the variable %s, a run that builds SDK clients prints nothing on stderr', { timeout: 120_000 }, async (_, setting) => {
    const ran = await run(process.execPath, ['bin/opsflow.js', 'run', 'instance-dns', '--event', event, '--json'], { env: environment(setting) });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'SUCCEEDED' });
  });
});
