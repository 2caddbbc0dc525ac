import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoAvailable, opsflow, skippedBecause, startMoto, type Moto } from './moto.ts';

/**
 * The commands that drive a deployed stage (start, executions, watch), over real HTTP against
 * moto on 127.0.0.1: the stack's state machine found through CloudFormation DescribeStackResource,
 * then Step Functions' JSON protocol, paging and dates, serialized and signed by the real SDK.
 *
 * moto does not run a definition: an execution keeps the status and the canned history its
 * SF_EXECUTION_HISTORY_TYPE setting gives every execution (FAILURE here, so a watch ends). The
 * history therefore names moto's states, not the definition's; what is proven is the wire, not
 * Step Functions' semantics (those are the mocked unit tests', test/unit/cli/).
 */

if (!motoAvailable) console.warn(`test/integration/deployed-commands.test.ts skipped: ${skippedBecause}`);

const REGION = 'eu-west-1';
const DEFINITION = { StartAt: 'Reconciled', States: { Reconciled: { Type: 'Succeed' } } };

describe.skipIf(!motoAvailable)(`opsflow start, executions and watch over HTTP against moto on 127.0.0.1${motoAvailable ? '' : ` (skipped: ${skippedBecause})`}`, () => {
  let moto: Moto | undefined;
  let env: Record<string, string> = {};
  let work = '';

  beforeAll(async () => {
    moto = await startMoto({ SF_EXECUTION_HISTORY_TYPE: 'FAILURE' });
    work = await mkdtemp(join(tmpdir(), 'opsflow-moto-deployed-'));
    env = {
      HOME: work,
      AWS_CONFIG_FILE: join(work, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL: moto.endpoint,
    };
    // The dev stage's stack as `osls deploy` names it: stack opsflow-dev, the state machine's logical id and name.
    const cloudFormation = new CloudFormationClient({ region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await cloudFormation.send(new CreateStackCommand({
      StackName: 'opsflow-dev',
      TemplateBody: JSON.stringify({
        Resources: {
          DnsReconcileStateMachine: {
            Type: 'AWS::StepFunctions::StateMachine',
            Properties: { StateMachineName: 'opsflow-dev-DnsReconcile', DefinitionString: JSON.stringify(DEFINITION), RoleArn: 'arn:aws:iam::123456789012:role/opsflow-dev-DnsReconcileRole' },
          },
        },
      }),
    }));
    cloudFormation.destroy();
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  it("starts dns-reconcile with its schedule's input by the name given, and lists it", { timeout: 60_000 }, async () => {
    const started = await opsflow(['start', 'dns-reconcile', '--name', 'after-change-42', '--json'], env);

    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const execution = JSON.parse(started.stdout) as { executionArn: string; startDate: string };
    expect(execution.executionArn).toBe('arn:aws:states:eu-west-1:123456789012:execution:opsflow-dev-DnsReconcile:after-change-42');
    expect(Date.parse(execution.startDate)).not.toBeNaN();

    const listed = await opsflow(['executions', 'dns-reconcile'], env);

    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^after-change-42 {2}FAILED {2}\d{4}-\d\d-\d\dT/);
  });

  it('watches an execution named <workflow>/<name> to its end: the states of its history, the status, exit 1 for FAILED', { timeout: 60_000 }, async () => {
    const watched = await opsflow(['watch', 'dns-reconcile/after-change-42'], env);

    expect(watched.stderr).toBe('');
    expect(watched.code).toBe(1);
    expect(watched.stdout).toMatch(/→ /);
    expect(watched.stdout).toMatch(/\ndns-reconcile FAILED/);
  });

  it('says in one line that a stage is not deployed in a Region, and starts nothing', { timeout: 60_000 }, async () => {
    const result = await opsflow(['start', 'search-failover', '--region', 'eu-central-1', '--input', 'workflows/search-failover/example-input.json'], env);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^opsflow: stage dev is not deployed in eu-central-1: ValidationError: [^\n]*\(deploy it: npx osls deploy --stage dev --region eu-central-1\)\n$/);
  });
});
