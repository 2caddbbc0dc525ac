import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFaults, parseFaultsFile, readFaultsFile } from '../../../engine/faults-file.ts';
import { launchLifecycleEvent, recordValues, world } from '../../workflows/harness.ts';

const throttling = 'examples/faults/route53-throttling.json';

async function launchedWorld() {
  const context = await world();
  const { instanceId, lifecycleActionToken } = context.sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.1.77', withLifecycleAction: true, replacement: true });
  return { ...context, event: launchLifecycleEvent(instanceId, lifecycleActionToken ?? '') };
}

async function fileWith(content: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'opsflow-faults-')), 'faults.json');
  await writeFile(file, content);
  return file;
}

describe('faults file', () => {
  it('gives the sandbox its services\' rules and the engine Lambda, Step Functions and Task rules', () => {
    const file = parseFaultsFile(
      {
        faults: [
          { service: 'route53', operation: 'GetChange', error: 'Throttling' },
          { service: 'lambda', operation: 'Invoke', error: 'TooManyRequestsException', nth: [1] },
          { service: 'route53', workflow: 'instance-dns', state: 'GetChange', error: 'Throttling' },
          { service: 'sfn', operation: 'StartExecution', error: 'ThrottlingException' },
        ],
      },
      'faults f.json',
    );
    expect(file.rules.map((rule) => `${rule.where} ${rule.target}`)).toEqual(['faults.0 sandbox', 'faults.1 engine', 'faults.2 engine', 'faults.3 engine']);
  });

  it.each([
    [{ faults: [{ service: 'route53', error: 'Throttling', nth: [0] }] }, 'faults f.json: faults.0.nth.0: '],
    [{ faults: [{ service: 'route53', error: 'Throttling', nht: [1] }] }, 'faults f.json: faults.0: Unrecognized key: "nht"'],
    [{ faults: [{ service: 'route53' }] }, 'faults f.json: faults.0.error: '],
    [{ faults: [{ service: 'route53', error: 'Throttling', fraction: 2 }] }, 'faults f.json: faults.0.fraction: '],
    [[{ service: 'route53', error: 'Throttling' }], 'faults f.json: (root): '],
    [{ rules: [] }, 'faults f.json: faults: '],
  ])('refuses %j with one line naming the file and the field', (raw, message) => {
    expect(() => parseFaultsFile(raw, 'faults f.json')).toThrowError(expect.objectContaining({ name: 'InvalidFaultsFile', message: expect.stringContaining(message) }));
  });

  it('refuses a file that is missing or not JSON, naming it', async () => {
    await expect(readFaultsFile('no/such/faults.json')).rejects.toMatchObject({ name: 'InvalidFaultsFile', message: 'faults no/such/faults.json: no such file' });
    const broken = await fileWith('{"faults": [');
    await expect(readFaultsFile(broken)).rejects.toMatchObject({ name: 'InvalidFaultsFile', message: expect.stringMatching(/^faults .*faults\.json: not valid JSON/) });
  });

  it('refuses, before anything runs, a rule the sandbox or the engine cannot apply, naming the field', async () => {
    const cases = [
      [{ service: 'route53', operation: 'CreateHostedZone', error: 'Throttling' }, 'faults.1.operation: route53 has no simulated operation CreateHostedZone'],
      [{ service: 'sqs', error: 'Throttling' }, 'faults.1.service: sqs is not simulated'],
      [{ service: 'route53', workflow: 'instance-dns', state: 'NoSuchState', error: 'Throttling' }, 'faults.1.state: no Task state named NoSuchState in instance-dns'],
      [{ service: 'lambda', operation: 'CreateFunction', error: 'ServiceException' }, 'faults.1.operation: the engine answers lambda Invoke'],
    ] as const;
    for (const [rule, message] of cases) {
      const { sandbox, engine } = await world();
      const file = parseFaultsFile({ faults: [{ service: 'route53', operation: 'GetChange', error: 'Throttling', nth: [1] }, rule] }, 'faults f.json');
      expect(() => applyFaults(file, { engine, sandbox })).toThrowError(expect.objectContaining({ name: 'InvalidFaultsFile', message: expect.stringContaining(`faults f.json: ${message}`) }));
      expect(engine.executions).toEqual([]);
    }
  });

  it('refuses a sandbox rule without a sandbox (--aws)', async () => {
    const { engine } = await world();
    const file = await readFaultsFile(throttling);
    expect(() => applyFaults(file, { engine })).toThrowError(
      expect.objectContaining({ name: 'InvalidFaultsFile', message: expect.stringContaining(`faults ${throttling}: faults.0.service: route53 is answered by the AWS account`) }),
    );
  });

  it('rehearses Route 53 throttling: the calls fail as the file says and instance-dns retries them into sync', async () => {
    const { sandbox, engine, event } = await launchedWorld();
    applyFaults(await readFaultsFile(throttling), { engine, sandbox });
    const [execution] = await engine.send(event);
    expect(execution?.status).toBe('SUCCEEDED');
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
    const faulted = sandbox.calls.filter((call) => call.error !== undefined).map((call) => `${call.operation} ${call.error}`);
    expect(faulted).toEqual(['ChangeResourceRecordSets Throttling', 'ChangeResourceRecordSets Throttling', 'GetChange Throttling']);
  });

  it('rehearses an outage: the run fails with the error the alarm reports, and the record is left as it was', async () => {
    const { sandbox, engine, event } = await launchedWorld();
    const before = recordValues(sandbox);
    applyFaults(await readFaultsFile('examples/faults/route53-outage.json'), { engine, sandbox });
    const [execution] = await engine.send(event);
    expect(execution?.status).toBe('FAILED');
    expect(execution?.error).toMatch(/^Route53\./);
    expect(recordValues(sandbox)).toEqual(before);
  });

  it('applies engine rules: Lambda throttling by operation and by Task state', async () => {
    const { sandbox, engine, event } = await launchedWorld();
    applyFaults(await readFaultsFile('examples/faults/lambda-throttling.json'), { engine, sandbox });
    const [execution] = await engine.send(event);
    expect(execution?.status).toBe('SUCCEEDED');
    const retried = execution?.states.filter((state) => state.retries > 0).map((state) => state.name);
    expect(retried).toEqual(expect.arrayContaining(['ParseDnsEvent', 'PlanDnsChange']));
  });

  it('every example file is valid and applies to the dev workflows', async () => {
    const examples = (await readdir('examples/faults')).filter((name) => name.endsWith('.json'));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const name of examples) {
      const { sandbox, engine } = await world();
      const file = await readFaultsFile(`examples/faults/${name}`);
      expect(file.description, name).toBeTruthy();
      expect(() => applyFaults(file, { engine, sandbox })).not.toThrow();
    }
  });
});
