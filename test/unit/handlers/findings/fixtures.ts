import type { Context } from 'aws-lambda';
import { loadSample, sampleWith, type SampleEvent } from '../../../../events/samples.ts';
import { parseConfig, type OpsflowConfig } from '../../../../handlers/shared/config.ts';
import type { LambdaHandler } from '../../../../handlers/shared/lambda.ts';
import { withRuntime } from '../../../../handlers/shared/runtime.ts';

export const GRAPH_ARN = 'arn:aws:detective:us-east-1:111122223333:graph:0123456789abcdef0123456789abcdef';
export const NOW = new Date('2024-05-02T12:00:00.000Z');
export const now = (): Date => NOW;

export const GUARDDUTY_PRODUCT = 'arn:aws:securityhub:us-east-1::product/aws/guardduty';
export const SECURITYHUB_PRODUCT = 'arn:aws:securityhub:us-east-1::product/aws/securityhub';

export const IMPORTED_GUARDDUTY = 'securityhub/findings-imported-guardduty-ssh-brute-force.json';
export const IMPORTED_IAM_USER = 'securityhub/findings-imported-afsbp-iam-8-user.json';
export const CUSTOM_ACTION_TWO = 'securityhub/findings-custom-action-two-findings.json';
export const GUARDDUTY_ACCESS_KEY = 'guardduty/finding-access-key-iam-user.json';

export function configWith(findingEnrichment: Record<string, unknown> = {}): OpsflowConfig {
  return parseConfig({ region: 'us-east-1', instanceDns: { groups: [] }, findingEnrichment }, 'test');
}

export function invoke<O>(handler: LambdaHandler<O>, event: unknown, config: OpsflowConfig = configWith()): Promise<O> {
  return withRuntime({ config, region: 'us-east-1', sdkPlugins: [], now: () => new Date() }, () => handler(event, {} as Context));
}

type Json = Record<string, unknown>;

/** The first finding of a real sample. */
export function sampleFinding(sample: string): Json {
  const event = loadSample(sample) as SampleEvent;
  const [finding] = event.detail.findings as Json[];
  return finding as Json;
}

/** GuardDuty's real ASFF finding, flagged by the automation rule, with the fields given replaced. */
export function guardDutyAsff(overrides: Json = {}): Json {
  return { ...sampleFinding(IMPORTED_GUARDDUTY), UserDefinedFields: { investigate: 'true' }, ...overrides };
}

export function importedWith(findings: Json[]): SampleEvent {
  return sampleWith(IMPORTED_GUARDDUTY, { findings });
}

export function customActionWith(findings: Json[]): SampleEvent {
  return sampleWith(CUSTOM_ACTION_TWO, { findings });
}

export function accessKeyResource(details: Json): Json {
  return { Type: 'AwsIamAccessKey', Id: 'AKIAIOSFODNN7EXAMPLE', Partition: 'aws', Region: 'us-east-1', Details: { AwsIamAccessKey: details } };
}

export function userResource(name: string, account = '193043430472'): Json {
  return { Type: 'AwsIamUser', Id: `arn:aws:iam::${account}:user/${name}`, Partition: 'aws', Region: 'us-east-1' };
}

/** The real GuardDuty access-key event with its accessKeyDetails (and any other detail fields) replaced. */
export function guardDutyWith(accessKeyDetails: Json | undefined, detailOverrides: Json = {}): SampleEvent {
  const sample = loadSample(GUARDDUTY_ACCESS_KEY) as SampleEvent;
  const resource = { ...(sample.detail.resource as Json), accessKeyDetails };
  return sampleWith(GUARDDUTY_ACCESS_KEY, { resource, ...detailOverrides });
}
