import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  UnknownWorkflow,
  ValidationRule,
  ValidationSetupFailed,
  declaredErrorNames,
  formatReport,
  validateDefinition,
  validateWorkflows,
  withDummyValues,
  type ValidationProblem,
} from '../../../cli/validate.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/asl/', import.meta.url));
const good = join(fixtures, 'good');
const bad = join(fixtures, 'bad');

async function problemsOf(workflow: string): Promise<readonly ValidationProblem[]> {
  const report = await validateWorkflows({ root: bad, workflows: [workflow] });
  expect(report.workflows.map((result) => result.workflow)).toEqual([workflow]);
  return report.workflows[0]?.problems ?? [];
}

describe('validateWorkflows on a valid tree', () => {
  it('passes the fixture that uses every construct, placeholders included', async () => {
    const report = await validateWorkflows({ root: good });
    expect(report).toEqual({ ok: true, workflows: [{ workflow: 'sample-dns', ok: true, problems: [] }] });
    expect(formatReport(report)).toBe('✓ sample-dns');
  });
});

describe('validateWorkflows, one fixture per rule', () => {
  it('asl-validator: reports its errors', async () => {
    expect(await problemsOf('asl-validator')).toEqual([
      { workflow: 'asl-validator', state: 'Keep', rule: ValidationRule.AslValidator, message: 'DUPLICATE_STATE_NAMES: A state with this name already exists: Keep' },
    ]);
  });

  it('asl-language-service: reports its diagnostics with the state, the text and the line', async () => {
    expect(await problemsOf('language-service')).toEqual([
      {
        workflow: 'language-service',
        state: 'RejectEvent',
        rule: ValidationRule.LanguageService,
        message:
          'The value for the field must be a valid JSONPath or an intrinsic function expression that returns a string (ArrayGetItem, Base64Encode, Base64Decode, Format, JsonToString, Hash, or UUID). ("ErrorPath": "EventRejected", line 37)',
      },
    ]);
  });

  it('function-registered: a FunctionName or a listed function that is not a registry key, and a hard-coded FunctionName', async () => {
    expect(await problemsOf('function-registered')).toEqual([
      {
        workflow: 'function-registered',
        state: 'CheckInstance',
        rule: ValidationRule.FunctionRegistered,
        message: 'FunctionName ${checkInstanc} is not a key of functionRegistry (handlers/registry.ts)',
      },
      {
        workflow: 'function-registered',
        state: 'ApplyRecord',
        rule: ValidationRule.FunctionRegistered,
        message: 'FunctionName must be a ${functionKey} placeholder, not "arn:aws:lambda:eu-west-1:123456789012:function:opsflow-applyRecord"',
      },
      {
        workflow: 'function-registered',
        rule: ValidationRule.FunctionRegistered,
        message: 'functions lists checkInstanc, which is not a key of functionRegistry (handlers/registry.ts)',
      },
    ]);
  });

  it('function-listed: a Task invokes a function the module does not list', async () => {
    expect(await problemsOf('function-listed')).toEqual([
      {
        workflow: 'function-listed',
        state: 'PlanChange',
        rule: ValidationRule.FunctionListed,
        message: "FunctionName ${planChange} is not in the workflow module's functions (workflows/index.ts)",
      },
    ]);
  });

  it('function-used: the module lists a function no Task invokes', async () => {
    expect(await problemsOf('function-used')).toEqual([
      { workflow: 'function-used', rule: ValidationRule.FunctionUsed, message: 'functions lists planChange but no Task invokes ${planChange}' },
    ]);
  });

  it('task-timeout: a Task without TimeoutSeconds', async () => {
    expect(await problemsOf('task-timeout')).toEqual([
      { workflow: 'task-timeout', state: 'ParseDnsEvent', rule: ValidationRule.TaskTimeout, message: 'Task has no TimeoutSeconds' },
    ]);
  });

  it('task-comment: a Task without a Comment', async () => {
    expect(await problemsOf('task-comment')).toEqual([
      { workflow: 'task-comment', state: 'ParseDnsEvent', rule: ValidationRule.TaskComment, message: 'Task has no Comment saying what it does' },
    ]);
  });

  it('error-name: an undeclared name, a States.* name that does not exist, an unknown service prefix', async () => {
    const problems = await problemsOf('error-name');
    expect(problems.map(({ state, rule }) => ({ state, rule }))).toEqual([
      { state: 'ParseDnsEvent', rule: ValidationRule.ErrorName },
      { state: 'ParseDnsEvent', rule: ValidationRule.ErrorName },
      { state: 'ApplyRecord', rule: ValidationRule.ErrorName },
      { state: 'ApplyRecord', rule: ValidationRule.ErrorName },
    ]);
    expect(problems[0]?.message).toBe(
      'ErrorEquals "RecordConflit" is not a Step Functions States.* error, a <Service>.<Exception> of Route53/Ec2/AutoScaling/EventBridge/Sfn/StepFunctions/Lambda/SecurityHub/Detective/Iam/QuickSight/Identitystore/OpenSearch/Sts, or a declared opsflow error (handlers/*/errors.ts)',
    );
    expect(problems[1]?.message).toMatch(/^ErrorEquals "States\.Timeoutt" is not/);
    expect(problems[2]?.message).toBe(
      'ErrorEquals "Route53.InvalidChangeBatch" is never raised by route53: its model has no such error, and errors it does not model arrive as Route53.Route53Exception',
    );
    expect(problems[3]?.message).toMatch(/^ErrorEquals "S3\.NoSuchKey" is not/);
  });

  it('states-all-last: States.ALL sharing an entry, and States.ALL before another Catch', async () => {
    expect(await problemsOf('states-all-last')).toEqual([
      { workflow: 'states-all-last', state: 'ParseDnsEvent', rule: ValidationRule.StatesAllLast, message: 'States.ALL must be alone in its ErrorEquals (Retry entry 2)' },
      {
        workflow: 'states-all-last',
        state: 'ParseDnsEvent',
        rule: ValidationRule.StatesAllLast,
        message: 'States.ALL must be in the last Catch entry (it is entry 1 of 2)',
      },
    ]);
  });

  it('lambda-retry: no transient Retry, or one without jitter and bound', async () => {
    expect(await problemsOf('lambda-retry')).toEqual([
      {
        workflow: 'lambda-retry',
        state: 'ParseDnsEvent',
        rule: ValidationRule.LambdaRetry,
        message:
          'Lambda task has no Retry for the transient Lambda errors (Lambda.AWSLambdaException, Lambda.ClientExecutionTimeoutException, Lambda.SdkClientException, Lambda.ServiceException, Lambda.TooManyRequestsException)',
      },
      {
        workflow: 'lambda-retry',
        state: 'PlanChange',
        rule: ValidationRule.LambdaRetry,
        message: 'the Retry for transient Lambda errors needs JitterStrategy FULL and a MaxAttempts from 1 to 10 (has 50)',
      },
    ]);
  });

  it('retry-jitter: a service Retry without JitterStrategy FULL (a Retry of opsflow errors only may omit it)', async () => {
    expect(await problemsOf('retry-jitter')).toEqual([
      {
        workflow: 'retry-jitter',
        state: 'ApplyRecord',
        rule: ValidationRule.RetryJitter,
        message: 'Retry for Route53.ThrottlingException, Route53.PriorRequestNotCompleteException, Route53.Route53Exception needs JitterStrategy FULL (only retries of opsflow errors may leave it out)',
      },
    ]);
  });

  it('jsonpath-only: a state in JSONata', async () => {
    expect(await problemsOf('jsonpath-only')).toEqual([
      {
        workflow: 'jsonpath-only',
        state: 'Summarize',
        rule: ValidationRule.JsonPathOnly,
        message: 'QueryLanguage JSONata is not allowed: opsflow definitions are JSONPath, the only language the local engine runs',
      },
    ]);
  });

  it('task-resource: integrations the local engine does not run', async () => {
    const problems = await problemsOf('task-resource');
    expect(problems.map(({ state, rule }) => ({ state, rule }))).toEqual([
      { state: 'SendNotice', rule: ValidationRule.TaskResource },
      { state: 'Announce', rule: ValidationRule.TaskResource },
    ]);
    expect(problems[0]?.message).toBe(
      'Resource arn:aws:states:::sqs:sendMessage is not one the local engine runs (lambda:invoke[.waitForTaskToken], aws-sdk:<service>:<action>, states:startExecution[.sync|.sync:2|.waitForTaskToken], events:putEvents[.waitForTaskToken])',
    );
    expect(problems[1]?.message).toMatch(/^Resource arn:aws:states:::events:putEvents\.sync is not one the local engine runs/);
  });

  it('unique-task-name: one Task name at the top level and inside a Map', async () => {
    const problems = await problemsOf('unique-task-name');
    expect(problems.filter((found) => found.rule === ValidationRule.UniqueTaskName)).toEqual([
      {
        workflow: 'unique-task-name',
        state: 'ChangeRecord',
        rule: ValidationRule.UniqueTaskName,
        message: 'Task name is used 2 times (top level; inside EachGroup); the local engine keys task overrides by state name',
      },
    ]);
    // asl-validator rejects any repeated state name too; nothing else is wrong with the fixture.
    expect(problems.filter((found) => found.rule !== ValidationRule.UniqueTaskName).map((found) => found.rule)).toEqual([ValidationRule.AslValidator]);
  });

  it('retry-transient: a Retry that misses how the service really throttles (the unmodeled fallback included); States.TaskFailed covers all', async () => {
    expect(await problemsOf('retry-transient')).toEqual([
      {
        workflow: 'retry-transient',
        state: 'ApplyRecord',
        rule: ValidationRule.TransientRetry,
        message:
          'Retry misses Route53.Route53Exception, Route53.PriorRequestNotCompleteException: how route53 ChangeResourceRecordSets really reports throttling and server errors (engine/service-errors.ts)',
      },
      {
        workflow: 'retry-transient',
        state: 'RunChild',
        rule: ValidationRule.TransientRetry,
        message:
          'Retry misses StepFunctions.AWSStepFunctionsException: how states:startExecution StartExecution really reports throttling and server errors (engine/service-errors.ts)',
      },
    ]);
  });

  it('catch-fallback-success: a Catch on a fallback name that ends in success, at the top level or in a Map iteration; a Choice on the Cause is fine', async () => {
    expect(await problemsOf('catch-fallback-success')).toEqual([
      {
        workflow: 'catch-fallback-success',
        state: 'CompleteLifecycleAction',
        rule: ValidationRule.FallbackSuccess,
        message:
          'Catch on AutoScaling.AutoScalingException leads straight to success (AlreadyCompleted → Finished), but that name also means throttling, 5xx or access denied: decide from the Cause with a Choice, or re-read the state',
      },
      {
        workflow: 'catch-fallback-success',
        state: 'DescribeInstance',
        rule: ValidationRule.FallbackSuccess,
        message:
          'Catch on Ec2.Ec2Exception leads straight to success (InstanceGone), but that name also means throttling, 5xx or access denied: decide from the Cause with a Choice, or re-read the state',
      },
    ]);
  });

  it('catch-all-success: at the top level, a Catch on States.ALL or States.TaskFailed that ends in success; to a Fail, or in a Map iteration, is fine', async () => {
    const leadsToSuccess = (path: string) =>
      `leads straight to success (${path}), but it catches every error: throttling, 5xx or access denied: decide from the Cause with a Choice, or re-read the state`;
    expect(await problemsOf('catch-all-success')).toEqual([
      { workflow: 'catch-all-success', state: 'RunChild', rule: ValidationRule.FallbackSuccess, message: `Catch on States.TaskFailed ${leadsToSuccess('ChildEnded → Done')}` },
      { workflow: 'catch-all-success', state: 'ListGraphs', rule: ValidationRule.FallbackSuccess, message: `Catch on States.ALL ${leadsToSuccess('Recorded')}` },
    ]);
  });

  it('local-engine: workflow variables, a Distributed Map field, $$.Map.Item.Key and Retry on a Map, which both validators pass and the engine cannot run', async () => {
    expect(await problemsOf('local-engine')).toEqual([
      {
        workflow: 'local-engine',
        state: 'Count',
        rule: ValidationRule.LocalEngine,
        message: 'Assign (workflow variables) is not run by the local engine (aws-local-stepfunctions 3.x has no variables)',
      },
      {
        workflow: 'local-engine',
        state: 'Each',
        rule: ValidationRule.LocalEngine,
        message: 'ToleratedFailurePercentage is a Distributed Map field; the local engine runs Inline Map states only',
      },
      {
        workflow: 'local-engine',
        state: 'Each',
        rule: ValidationRule.LocalEngine,
        message: 'Retry on a Map state is not run by the local engine (its intervals would not be kept); retry the Tasks inside it',
      },
      {
        workflow: 'local-engine',
        state: 'Each',
        rule: ValidationRule.LocalEngine,
        message: '$$.Map.Item.Key exists only in a Distributed Map, which the local engine does not run',
      },
    ]);
  });

  it('definition: a file that is not JSON, and a listed workflow without a definition', async () => {
    expect(await problemsOf('not-json')).toEqual([
      { workflow: 'not-json', rule: ValidationRule.Definition, message: expect.stringMatching(/^definition\.asl\.json is not valid JSON: /) as unknown as string },
    ]);
    expect(await problemsOf('no-definition')).toEqual([
      { workflow: 'no-definition', rule: ValidationRule.Definition, message: 'workflows/no-definition/definition.asl.json is missing' },
    ]);
  });

  it('workflow-listed: a definition folder that workflows/index.ts does not list', async () => {
    expect(await problemsOf('unlisted')).toEqual([
      { workflow: 'unlisted', rule: ValidationRule.WorkflowListed, message: 'workflows/unlisted/definition.asl.json has no module in workflows/index.ts' },
    ]);
  });
});

describe('validateWorkflows over a whole tree', () => {
  it('covers listed workflows and unlisted folders, sorted, and is not ok when any has a problem', async () => {
    const report = await validateWorkflows({ root: bad });
    expect(report.ok).toBe(false);
    expect(report.workflows.map((result) => result.workflow)).toEqual([
      'asl-validator', 'catch-all-success', 'catch-fallback-success', 'error-name', 'function-listed', 'function-registered', 'function-used', 'jsonpath-only', 'lambda-retry',
      'language-service', 'local-engine', 'no-definition', 'not-json', 'retry-jitter', 'retry-transient', 'states-all-last', 'task-comment', 'task-resource', 'task-timeout',
      'unique-task-name', 'unlisted',
    ]);
    expect(report.workflows.every((result) => !result.ok && result.problems.length > 0)).toBe(true);
  });

  it('refuses a workflow name it does not know', async () => {
    await expect(validateWorkflows({ root: good, workflows: ['sample-dns', 'nope'] })).rejects.toThrow(UnknownWorkflow);
  });

  it('refuses a root that is not shaped like the repository', async () => {
    await expect(validateWorkflows({ root: join(good, 'workflows') })).rejects.toThrow(ValidationSetupFailed);
  });
});

describe('formatReport', () => {
  it('prints one ✓ line per passing workflow and one ✗ line per problem', () => {
    const text = formatReport({
      ok: false,
      workflows: [
        { workflow: 'instance-dns', ok: true, problems: [] },
        {
          workflow: 'search-snapshot',
          ok: false,
          problems: [
            { workflow: 'search-snapshot', state: 'TakeSnapshot', rule: ValidationRule.TaskTimeout, message: 'Task has no TimeoutSeconds' },
            { workflow: 'search-snapshot', rule: ValidationRule.FunctionUsed, message: 'functions lists prune but no Task invokes ${prune}' },
          ],
        },
      ],
    });
    expect(text).toBe(
      [
        '✓ instance-dns',
        '✗ search-snapshot: State TakeSnapshot: Task has no TimeoutSeconds [task-timeout]',
        '✗ search-snapshot: functions lists prune but no Task invokes ${prune} [function-used]',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to validate', () => {
    expect(formatReport({ ok: true, workflows: [] })).toBe('no workflows to validate');
  });
});

describe('declaredErrorNames', () => {
  it('reads the literal name of every OpsflowError subclass, skipping abstract bases and other exports', async () => {
    expect(await declaredErrorNames(good)).toEqual(['GuardRefused', 'InvalidConfig', 'InvalidInput', 'RecordConflict']);
  });
});

describe('placeholders', () => {
  const context = { workflow: 'inline', functionKeys: ['pollRecord'], listedFunctions: undefined, declaredErrors: [] };
  const waitFor = (seconds: string): string =>
    JSON.stringify({ StartAt: 'Settle', States: { Settle: { Type: 'Wait', Comment: 'Lets Route 53 settle.', Seconds: seconds, End: true } } }, null, 2);

  it('gives each placeholder a value of the type its field takes', () => {
    expect(
      withDummyValues(
        { FunctionName: '${pollRecord}', Seconds: '${PollSeconds}', BooleanEquals: '${DryRun}', Timestamp: '${At}', Bucket: '${SnapshotBucket}', Arn: 'arn:${Partition}:s3:::b' },
        ['pollRecord'],
      ),
    ).toEqual({
      FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:opsflow-pollRecord',
      Seconds: 1,
      BooleanEquals: true,
      Timestamp: '2024-01-01T00:00:00Z',
      Bucket: 'placeholder-SnapshotBucket',
      Arn: 'arn:placeholder:s3:::b',
    });
  });

  it('does not report a placeholder standing where deployment puts a number', async () => {
    expect(await validateDefinition(waitFor('${PollSeconds}'), context)).toEqual([]);
  });

  it('still reports a literal of the wrong type there, from both validators', async () => {
    const problems = await validateDefinition(waitFor('five'), context);
    expect(new Set(problems.map(({ rule, state }) => `${rule} ${state}`))).toEqual(
      new Set([`${ValidationRule.AslValidator} Settle`, `${ValidationRule.LanguageService} Settle`]),
    );
  });
});
