import { describe, expect, it } from 'vitest';
import { loadSample, sampleWith } from '../../../../events/samples.ts';
import { handler } from '../../../../handlers/findings/normalize-findings/handler.ts';
import { guardDutySeverityLabel, normalizeFindings, type NormalizeFindingsInput } from '../../../../handlers/findings/normalize-findings/task.ts';
import { investigationRunName } from '../../../../handlers/findings/plan.ts';
import { FINDINGS_PER_BATCH, MAX_FINDINGS_PER_EVENT, MAX_PRINCIPALS_PER_EVENT, type FindingWork } from '../../../../handlers/findings/work.ts';
import {
  CUSTOM_ACTION_TWO,
  GRAPH_ARN,
  GUARDDUTY_ACCESS_KEY,
  GUARDDUTY_PRODUCT,
  IMPORTED_IAM_USER,
  SECURITYHUB_PRODUCT,
  accessKeyResource,
  configWith,
  customActionWith,
  guardDutyAsff,
  guardDutyWith,
  importedWith,
  invoke,
  now,
  sampleFinding,
  userResource,
} from './fixtures.ts';

const config = configWith().findingEnrichment;

/** The work, with its batches' findings and skipped findings one after another, and the principals its plans name. */
function normalize(event: unknown, findingEnrichment = config) {
  const work = normalizeFindings(event as NormalizeFindingsInput, findingEnrichment, now);
  return {
    ...work,
    findings: work.batches.flatMap((batch) => batch.findings),
    skipped: work.batches.flatMap((batch) => batch.skipped),
    refs: work.principals.map((plan) => plan.principal),
  };
}

/** The ARNs a finding's principals fall back on, in order. */
const arnsOf = (work: ReturnType<typeof normalize>, index = 0): string[] =>
  (work.findings[index]?.principals ?? []).map((key) => work.refs.find((principal) => principal.key === key)?.fallbackArn ?? `unknown ${key}`);

const GD_FINDING_ARN = 'arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/30bf285e52a1e405084ff6ec28e06e17';

describe('normalizeFindings: GuardDuty events', () => {
  it('turns the real access-key finding into one finding naming the IAM user by key, and plans its investigation', () => {
    const work: FindingWork = normalizeFindings(loadSample(GUARDDUTY_ACCESS_KEY) as NormalizeFindingsInput, config, now);
    const key = 'aws:123456789012:user:generatedfindingusername';
    expect(work).toEqual({
      source: 'guardduty',
      graphArn: null,
      batches: [
        {
          findings: [
            {
              id: GD_FINDING_ARN,
              productArn: GUARDDUTY_PRODUCT,
              awsAccountId: '123456789012',
              region: 'us-east-1',
              title: 'Reconnaissance API GeneratedFindingAPIName was invoked from an IP address on a custom threat list.',
              severityLabel: 'MEDIUM',
              firstObservedAt: '2022-01-13T00:00:47.000Z',
              principals: [key],
            },
          ],
          skipped: [],
        },
      ],
      principals: [
        {
          principal: {
            key,
            kind: 'user',
            name: 'GeneratedFindingUserName',
            account: '123456789012',
            partition: 'aws',
            fallbackArn: 'arn:aws:iam::123456789012:user/GeneratedFindingUserName',
            fallbackSource: 'root-path',
          },
          // First seen in 2022, two years before the clock: Detective's one-year limit cuts the window.
          scope: { scopeStartTime: '2023-05-03T12:00:00.000Z', scopeEndTime: '2024-05-02T12:00:00.000Z', scopeCut: true, latestFirstSeenHour: '2022-01-13T00:00:00.000Z' },
          runName: investigationRunName(key, Date.parse('2022-01-13T00:00:47.000Z')),
        },
      ],
      polling: { wait: 60, maxWait: 600, doublesUpTo: 300, deadlineSeconds: 7200, elapsed: 0 },
    });
  });

  it('takes the behavior graph and polling from config', () => {
    const custom = configWith({ graphArn: GRAPH_ARN, polling: { firstWaitSeconds: 30, maxWaitSeconds: 300, deadlineMinutes: 45 } }).findingEnrichment;
    const work = normalize(loadSample(GUARDDUTY_ACCESS_KEY), custom);
    expect(work.graphArn).toBe(GRAPH_ARN);
    expect(work.polling).toEqual({ wait: 30, maxWait: 300, doublesUpTo: 150, deadlineSeconds: 2700, elapsed: 0 });
  });

  it('maps an assumed role to its role, on the root path until IAM says otherwise', () => {
    const work = normalize(guardDutyWith({ accessKeyId: 'ASIAEXAMPLE', principalId: 'AROAEXAMPLE:session', userType: 'AssumedRole', userName: 'app-server-role' }));
    expect(work.refs).toEqual([expect.objectContaining({ kind: 'role', name: 'app-server-role', fallbackArn: 'arn:aws:iam::123456789012:role/app-server-role', fallbackSource: 'root-path' })]);
  });

  it('places an IAM Identity Center role on its reserved path, in the configured Region or else the finding\'s', () => {
    const sso = { userType: 'AssumedRole', userName: 'AWSReservedSSO_DatabaseAdministrator_1234567890abcdef', principalId: 'AROAEXAMPLE:alice' };
    const inFindingRegion = normalize(sampleWith(GUARDDUTY_ACCESS_KEY, { region: 'eu-west-2', resource: { resourceType: 'AccessKey', accessKeyDetails: sso } }));
    expect(inFindingRegion.refs).toEqual([
      expect.objectContaining({
        fallbackArn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_DatabaseAdministrator_1234567890abcdef',
        fallbackSource: 'reserved-path',
      }),
    ]);
    const configured = normalize(guardDutyWith(sso), configWith({ identityCenterRegion: 'eu-central-1' }).findingEnrichment);
    expect(configured.refs[0]?.fallbackArn).toBe('arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_DatabaseAdministrator_1234567890abcdef');
    const usEast1 = normalize(guardDutyWith(sso), configWith({ identityCenterRegion: 'us-east-1' }).findingEnrichment);
    expect(usEast1.refs[0]?.fallbackArn).toBe('arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DatabaseAdministrator_1234567890abcdef');
  });

  it.each([
    ['Root', /root user credentials/],
    ['FederatedUser', /federated user session/],
    ['AWSService', /user type AWSService: not an IAM user or role/],
  ])('skips a %s principal with the reason', (userType, reason) => {
    const work = normalize(guardDutyWith({ userType, userName: 'someone', principalId: 'X' }));
    expect(work.findings).toEqual([]);
    expect(work.refs).toEqual([]);
    expect(work.skipped).toEqual([{ id: GD_FINDING_ARN, productArn: GUARDDUTY_PRODUCT, code: 'unsupported-principal', reason: expect.stringMatching(reason) }]);
  });

  it('skips a finding without an access key principal', () => {
    const work = normalize(guardDutyWith(undefined, { type: 'Recon:EC2/PortProbeUnprotectedPort' }));
    expect(work.skipped).toEqual([{ id: GD_FINDING_ARN, productArn: GUARDDUTY_PRODUCT, code: 'no-iam-principal', reason: 'GuardDuty AccessKey finding names no access key principal' }]);
  });

  it('skips the whole event below the configured severity, without an error', () => {
    const work = normalize(sampleWith(GUARDDUTY_ACCESS_KEY, { severity: 2 }));
    expect(work.findings).toEqual([]);
    expect(work.skipped).toEqual([
      { id: GD_FINDING_ARN, productArn: GUARDDUTY_PRODUCT, code: 'below-threshold', reason: 'GuardDuty severity 2 is below the configured minimum 4' },
    ]);
  });

  it('labels severities with GuardDuty\'s bands', () => {
    expect([1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(guardDutySeverityLabel)).toEqual(['LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL']);
    expect(normalize(sampleWith(GUARDDUTY_ACCESS_KEY, { severity: 8 })).findings[0]?.severityLabel).toBe('HIGH');
  });

  it('derives the Security Hub product ARN from the finding ARN\'s partition and the Region', () => {
    const arn = 'arn:aws-us-gov:guardduty:us-gov-west-1:123456789012:detector/abc/finding/def';
    const work = normalize(sampleWith(GUARDDUTY_ACCESS_KEY, { arn, region: 'us-gov-west-1', partition: 'aws-us-gov' }));
    expect(work.findings[0]).toMatchObject({ id: arn, productArn: 'arn:aws-us-gov:securityhub:us-gov-west-1::product/aws/guardduty' });
    expect(arnsOf(work)).toEqual(['arn:aws-us-gov:iam::123456789012:user/GeneratedFindingUserName']);
  });
});

describe('normalizeFindings: Security Hub events', () => {
  it('leaves the real Imported IAM user finding alone: the automation rule did not flag it', () => {
    const work = normalize(loadSample(IMPORTED_IAM_USER));
    expect(work.source).toBe('securityhub-imported');
    expect(work.findings).toEqual([]);
    expect(work.skipped).toEqual([expect.objectContaining({ productArn: SECURITYHUB_PRODUCT, code: 'not-flagged' })]);
  });

  it('skips a flagged finding whose product is not GuardDuty', () => {
    const finding: Record<string, unknown> = { ...sampleFinding(IMPORTED_IAM_USER), UserDefinedFields: { investigate: 'true' } };
    const work = normalize(sampleWith(IMPORTED_IAM_USER, { findings: [finding] }));
    expect(work.skipped).toEqual([
      {
        id: finding.Id,
        productArn: SECURITYHUB_PRODUCT,
        code: 'not-guardduty',
        reason: 'not a GuardDuty finding (product Security Hub): only GuardDuty findings are investigated',
      },
    ]);
  });

  it('investigates the IAM user of a flagged GuardDuty finding in the Imported event', () => {
    const finding: Record<string, unknown> = { ...sampleFinding(IMPORTED_IAM_USER), ProductArn: GUARDDUTY_PRODUCT, UserDefinedFields: { investigate: 'true' } };
    const work = normalize(sampleWith(IMPORTED_IAM_USER, { findings: [finding] }));
    expect(work.findings).toEqual([
      expect.objectContaining({
        id: finding.Id,
        productArn: GUARDDUTY_PRODUCT,
        region: 'us-east-1',
        severityLabel: 'MEDIUM',
        firstObservedAt: '2021-02-16T21:55:58.862Z',
        principals: ['aws:111111111111:user:sharrtest'],
      }),
    ]);
    expect(work.refs).toEqual([expect.objectContaining({ fallbackArn: 'arn:aws:iam::111111111111:user/sharrtest', fallbackSource: 'finding' })]);
  });

  it('reads every finding of a custom action, not only the first', () => {
    const work = normalize(loadSample(CUSTOM_ACTION_TWO));
    expect(work.source).toBe('securityhub-custom-action');
    expect(work.skipped.map((skipped) => skipped.id)).toEqual([
      'arn:aws:securityhub:us-east-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.6/finding/3fe13eb6-b093-48b2-ba3b-b975347c3183',
      'arn:aws:securityhub:us-east-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.6/finding/524d1058-d8af-4549-80e6-e85872ea571e',
    ]);
    expect(work.skipped.every((skipped) => skipped.code === 'not-guardduty')).toBe(true);
  });

  it('does not need the investigate flag for a custom action, but never redoes a completed one', () => {
    const work = normalize(
      customActionWith([
        guardDutyAsff({ Id: 'picked', UserDefinedFields: {}, Resources: [userResource('alice')] }),
        guardDutyAsff({ Id: 'done', UserDefinedFields: { investigate: 'complete' }, Resources: [userResource('alice')] }),
        guardDutyAsff({ Id: 'failed-before', UserDefinedFields: { investigate: 'failed' }, Resources: [userResource('alice')] }),
      ]),
    );
    expect(work.findings.map((finding) => finding.id)).toEqual(['picked', 'failed-before']);
    expect(work.skipped).toEqual([
      { id: 'done', productArn: GUARDDUTY_PRODUCT, code: 'already-investigated', reason: 'already enriched by opsflow (UserDefinedFields.investigate = complete)' },
    ]);
  });

  it('skips the loop: an Imported event of a finding opsflow completed', () => {
    const work = normalize(importedWith([guardDutyAsff({ UserDefinedFields: { investigate: 'complete' }, Resources: [userResource('alice')] })]));
    expect(work.skipped).toEqual([expect.objectContaining({ code: 'already-investigated' })]);
    expect(work.refs).toEqual([]);
  });

  it('skips the real GuardDuty SSH brute-force finding once flagged: an EC2 instance is no IAM principal', () => {
    const work = normalize(importedWith([guardDutyAsff()]));
    expect(work.skipped).toEqual([expect.objectContaining({ code: 'no-iam-principal', reason: 'no IAM user, role or access key among the finding\'s resources' })]);
  });

  it('maps an assumed-role access key to the role ARN its session issuer names, path included', () => {
    const resource = accessKeyResource({
      PrincipalType: 'AssumedRole',
      PrincipalName: 'deploy',
      PrincipalId: 'AROAEXAMPLE:ci',
      SessionContext: { SessionIssuer: { Type: 'Role', Arn: 'arn:aws:iam::193043430472:role/ci/deploy', UserName: 'deploy', AccountId: '193043430472' } },
    });
    const work = normalize(importedWith([guardDutyAsff({ Resources: [resource] })]));
    expect(work.refs).toEqual([expect.objectContaining({ kind: 'role', name: 'deploy', fallbackArn: 'arn:aws:iam::193043430472:role/ci/deploy', fallbackSource: 'finding' })]);
  });

  it('builds the role ARN from the principal name when the session issuer is missing', () => {
    const resource = accessKeyResource({ PrincipalType: 'AssumedRole', PrincipalName: 'deploy', AccountId: '444455556666' });
    const work = normalize(importedWith([guardDutyAsff({ Resources: [resource] })]));
    expect(arnsOf(work)).toEqual(['arn:aws:iam::444455556666:role/deploy']);
    expect(work.refs[0]).toMatchObject({ account: '444455556666', fallbackSource: 'root-path' });
  });

  it('maps an IAM user access key to the user, and one user named twice in a finding to one principal', () => {
    const resources = [accessKeyResource({ PrincipalType: 'IAMUser', PrincipalName: 'alice' }), userResource('alice')];
    const work = normalize(importedWith([guardDutyAsff({ Resources: resources })]));
    expect(arnsOf(work)).toEqual(['arn:aws:iam::193043430472:user/alice']);
    expect(work.refs).toEqual([expect.objectContaining({ fallbackSource: 'finding' })]);
  });

  it('names a principal once whatever the case of its name, keeping the ARN a finding carries', () => {
    const work = normalize(
      importedWith([
        guardDutyAsff({ Id: 'by-name', Resources: [accessKeyResource({ PrincipalType: 'IAMUser', PrincipalName: 'ALICE', AccountId: '193043430472' })] }),
        guardDutyAsff({ Id: 'by-arn', Resources: [userResource('alice')] }),
      ]),
    );
    expect(work.refs).toEqual([expect.objectContaining({ key: 'aws:193043430472:user:alice', fallbackArn: 'arn:aws:iam::193043430472:user/alice', fallbackSource: 'finding' })]);
    expect(work.findings.map((finding) => finding.principals)).toEqual([['aws:193043430472:user:alice'], ['aws:193043430472:user:alice']]);
  });

  it('takes an AwsIamRole resource by its ARN and builds an AwsIamUser ARN from its details', () => {
    const role = { Type: 'AwsIamRole', Id: 'arn:aws:iam::193043430472:role/Admin', Partition: 'aws' };
    const user = { Type: 'AwsIamUser', Id: 'AIDAEXAMPLE', Details: { AwsIamUser: { UserName: 'bob', Path: '/ops/' } } };
    const work = normalize(importedWith([guardDutyAsff({ Resources: [role, user] })]));
    expect(arnsOf(work)).toEqual(['arn:aws:iam::193043430472:role/Admin', 'arn:aws:iam::193043430472:user/ops/bob']);
    expect(work.refs.map((principal) => principal.fallbackSource)).toEqual(['finding', 'finding']);
  });

  it.each([
    ['Root', /root user credentials/],
    ['FederatedUser', /federated user session/],
  ])('skips a %s access key with the reason', (PrincipalType, reason) => {
    const work = normalize(importedWith([guardDutyAsff({ Resources: [accessKeyResource({ PrincipalType, PrincipalName: 'x' })] })]));
    expect(work.skipped).toEqual([expect.objectContaining({ code: 'unsupported-principal', reason: expect.stringMatching(reason) })]);
  });

  it('investigates the user and ignores the root key when a finding names both', () => {
    const resources = [accessKeyResource({ PrincipalType: 'Root' }), userResource('alice')];
    const work = normalize(importedWith([guardDutyAsff({ Resources: resources })]));
    expect(arnsOf(work)).toEqual(['arn:aws:iam::193043430472:user/alice']);
    expect(work.skipped).toEqual([]);
  });

  it('names each principal of a burst once, and each finding by the keys of its principals', () => {
    const alice = userResource('alice');
    const admin = accessKeyResource({ PrincipalType: 'AssumedRole', PrincipalName: 'Admin' });
    const work = normalize(
      importedWith([
        guardDutyAsff({ Id: 'f1', FirstObservedAt: '2024-05-01T10:00:00Z', Resources: [alice] }),
        guardDutyAsff({ Id: 'f2', FirstObservedAt: '2024-05-01T08:00:00Z', Resources: [admin] }),
        guardDutyAsff({ Id: 'f3', FirstObservedAt: '2024-05-02T09:30:00Z', Resources: [alice, admin] }),
        guardDutyAsff({ Id: 'f1', FirstObservedAt: '2024-05-01T10:00:00Z', Resources: [alice] }),
      ]),
    );
    expect(work.findings.map((finding) => [finding.id, finding.principals])).toEqual([
      ['f1', ['aws:193043430472:user:alice']],
      ['f2', ['aws:193043430472:role:admin']],
      ['f3', ['aws:193043430472:user:alice', 'aws:193043430472:role:admin']],
    ]);
    expect(work.refs.map((principal) => principal.fallbackArn)).toEqual(['arn:aws:iam::193043430472:user/alice', 'arn:aws:iam::193043430472:role/Admin']);
  });

  it('falls back to CreatedAt when a finding has no FirstObservedAt', () => {
    const finding = guardDutyAsff({ Resources: [userResource('alice')], CreatedAt: '2024-05-01T00:00:00.000Z' });
    delete finding.FirstObservedAt;
    expect(normalize(importedWith([finding])).findings[0]?.firstObservedAt).toBe('2024-05-01T00:00:00.000Z');
  });
});

describe('normalizeFindings: what the state carries', () => {
  const flagged = (index: number, resources = [userResource(`user-${index}`)]) => guardDutyAsff({ Id: `finding-${index}`, Resources: resources });

  it(`writes findings back in batches of ${FINDINGS_PER_BATCH}, those to investigate first, then those skipped`, () => {
    const investigated = Array.from({ length: 30 }, (_, index) => flagged(index));
    const skipped = Array.from({ length: 25 }, (_, index) => guardDutyAsff({ Id: `no-principal-${index}` }));
    const work = normalizeFindings(importedWith([...skipped.slice(0, 5), ...investigated, ...skipped.slice(5)]) as NormalizeFindingsInput, config, now);
    expect(work.batches.map((batch) => [batch.findings.length, batch.skipped.length])).toEqual([[25, 0], [5, 20], [0, 5]]);
    expect(work.batches.flatMap((batch) => batch.findings.map((finding) => finding.id))).toEqual(investigated.map((finding) => finding.Id));
    expect(work.principals).toHaveLength(30);
  });

  it('keeps one batch when nothing is to be written, so the run still reports', () => {
    const work = normalizeFindings(loadSample(IMPORTED_IAM_USER) as NormalizeFindingsInput, config, now);
    expect(work.batches).toEqual([{ findings: [], skipped: [expect.objectContaining({ code: 'not-flagged' })] }]);
  });

  it(`refuses an event of more than ${MAX_FINDINGS_PER_EVENT} findings, saying how many it takes`, async () => {
    const findings = Array.from({ length: MAX_FINDINGS_PER_EVENT + 1 }, (_, index) => flagged(index));
    await expect(invoke(handler, importedWith(findings))).rejects.toMatchObject({
      name: 'InvalidInput',
      message: `detail.findings: at most ${MAX_FINDINGS_PER_EVENT} findings per event: no event Security Hub sends carries more`,
    });
    await expect(invoke(handler, importedWith(findings.slice(1)))).resolves.toMatchObject({ principals: expect.any(Array) });
  });

  it(`refuses findings that name more than ${MAX_PRINCIPALS_PER_EVENT} principals, saying how many`, async () => {
    const findings = Array.from({ length: 51 }, (_, index) => flagged(index, [userResource(`user-${index}`), userResource(`other-${index}`)]));
    await expect(invoke(handler, importedWith(findings))).rejects.toMatchObject({
      name: 'InvalidInput',
      message: `detail.findings: they name 102 IAM principals; at most ${MAX_PRINCIPALS_PER_EVENT} are investigated per event`,
    });
    await expect(invoke(handler, importedWith(findings.slice(1)))).resolves.toMatchObject({ principals: expect.any(Array) });
  });
});

describe('normalize-findings handler', () => {
  it('normalizes the real GuardDuty sample with the runtime config', async () => {
    const work = await invoke(handler, loadSample(GUARDDUTY_ACCESS_KEY), configWith({ graphArn: GRAPH_ARN }));
    expect(work).toMatchObject({ source: 'guardduty', graphArn: GRAPH_ARN, principals: [{ principal: { kind: 'user' } }] });
  });

  it('rejects a truncated Security Hub event, naming the missing field', async () => {
    const finding = guardDutyAsff();
    delete finding.Resources;
    await expect(invoke(handler, importedWith([finding]))).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'detail.findings.0.Resources: Invalid input: expected array, received undefined',
    });
  });

  it('rejects a truncated GuardDuty event, naming the missing field', async () => {
    const event = loadSample(GUARDDUTY_ACCESS_KEY) as { detail: Record<string, unknown> };
    delete event.detail.severity;
    await expect(invoke(handler, event)).rejects.toMatchObject({ name: 'InvalidInput', message: 'detail.severity: Invalid input: expected number, received undefined' });
  });

  it('rejects an event of another type, naming the detail type', async () => {
    await expect(invoke(handler, loadSample('schedule/scheduled-event.json'))).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/^detail-type: Invalid discriminator value/),
    });
  });

  it.each([
    ['the year -271821', '-271821-04-20T00:00:00.000Z'],
    ['the last instant JavaScript can hold', '+275760-09-13T00:00:00.000Z'],
    ['a year past 9999', '10000-01-01T00:00:00Z'],
    ['a text date', 'Feb 1 2025'],
    ['the placeholder of AWS samples', 'yyyy-mm-ddThh:mm:ssZ'],
    ['a 30 February', '2025-02-30T00:00:00Z'],
    ['hour 24', '2025-02-01T24:00:00Z'],
    ['a space for the T', '2025-02-01 10:00:00Z'],
  ])('rejects %s as a first observation with InvalidInput naming the field', async (_case, FirstObservedAt) => {
    await expect(invoke(handler, importedWith([guardDutyAsff({ FirstObservedAt, Resources: [userResource('alice')] })]))).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'detail.findings.0.FirstObservedAt: must be an RFC 3339 date-time such as 2020-03-22T13:22:13.933Z',
    });
  });

  it.each([
    ['createdAt', { createdAt: '-271821-04-20T00:00:00.000Z' }, 'detail.createdAt'],
    ['service.eventFirstSeen', { service: { serviceName: 'guardduty', detectorId: 'abc', eventFirstSeen: '+275760-09-13T00:00:00.000Z' } }, 'detail.service.eventFirstSeen'],
  ])('rejects an extreme GuardDuty %s, naming it', async (_field, detail, path) => {
    await expect(invoke(handler, sampleWith(GUARDDUTY_ACCESS_KEY, detail))).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(new RegExp(`^${path.replace(/\./g, '\\.')}: must be an RFC 3339 date-time`)) });
  });

  it('takes the earliest and latest timestamps RFC 3339 allows, offsets included', () => {
    const first = normalize(importedWith([guardDutyAsff({ FirstObservedAt: '0000-01-01T00:00:00Z', Resources: [userResource('alice')] })]));
    expect(first.findings[0]?.firstObservedAt).toBe('0000-01-01T00:00:00.000Z');
    const last = normalize(importedWith([guardDutyAsff({ FirstObservedAt: '9999-12-31T22:59:59.999-01:00', Resources: [userResource('alice')] })]));
    expect(last.findings[0]?.firstObservedAt).toBe('9999-12-31T23:59:59.999Z');
  });
});
