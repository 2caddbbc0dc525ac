import * as z from 'zod/mini';
import './zod.ts';
import { InvalidConfig } from './errors.ts';
import { isIpv4Cidr, isPrivateIpv4Cidr } from './cidr.ts';
import { SEVERITY_LABELS } from '../../events/severity.ts';

/**
 * The one configuration of a stage (config/<stage>.json), read by the deployment
 * (serverless.yml, through config/load.cjs) and by the local engine alike. Lambdas receive it
 * as JSON in OPSFLOW_CONFIG and parse it once per cold start. zod/mini keeps handler bundles small.
 */

const awsRegion = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1'));
const name = z.string().check(z.minLength(1), z.maxLength(255));
const cidr = z.string().check(z.refine(isIpv4Cidr, 'must be an IPv4 CIDR such as 10.0.0.0/16'));
/** A record of opsflow's points at private addresses only: every address the CIDR allows must be RFC 1918. */
const privateCidr = cidr.check(z.refine(isPrivateIpv4Cidr, 'must be a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)'));

/** Route 53 answers names in lower case with a trailing dot; config must already be in that form. */
const recordName = z.string().check(
  z.regex(/^([a-z0-9_]([a-z0-9-_]{0,61}[a-z0-9_])?\.)+$/, 'must be a lower-case DNS name ending with a dot, such as admin.corp.internal.'),
  z.maxLength(255),
);

const scheduleExpression = z.string().check(
  z.regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/, 'must be rate(...) or cron(...)'),
);

export const LifecycleResult = { Continue: 'CONTINUE', Abandon: 'ABANDON' } as const;

export const dnsGroupSchema = z.strictObject({
  autoScalingGroupName: name,
  hostedZoneId: z.string().check(z.regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ')),
  recordName,
  ttl: z._default(z.int().check(z.gte(0), z.lte(172800)), 60),
  allowedCidrs: z.array(privateCidr).check(z.minLength(1)),
  launchHookName: z.optional(name),
  terminateHookName: z.optional(name),
  lifecycleResultOnFailure: z._default(z.enum([LifecycleResult.Continue, LifecycleResult.Abandon]), LifecycleResult.Continue),
}).check(
  z.refine((group) => group.launchHookName === undefined || group.launchHookName !== group.terminateHookName, {
    message: 'must differ from launchHookName: one hook serves one transition',
    path: ['terminateHookName'],
  }),
);

export const instanceDnsSchema = z.strictObject({
  groups: z.array(dnsGroupSchema).check(
    z.refine((groups) => new Set(groups.map((g) => g.autoScalingGroupName)).size === groups.length, 'each autoScalingGroupName may appear once'),
    z.refine((groups) => new Set(groups.map((g) => `${g.hostedZoneId} ${g.recordName}`)).size === groups.length, 'two groups may not share one record'),
  ),
  sync: z._default(
    z.strictObject({
      pollSeconds: z._default(z.int().check(z.gte(1), z.lte(60)), 5),
      maxPolls: z._default(z.int().check(z.gte(1), z.lte(120)), 24),
    }),
    { pollSeconds: 5, maxPolls: 24 },
  ),
  reconcile: z._default(
    z.strictObject({
      schedule: z._default(scheduleExpression, 'rate(15 minutes)'),
      enabled: z._default(z.boolean(), true),
      dryRun: z._default(z.boolean(), false),
    }),
    { schedule: 'rate(15 minutes)', enabled: true, dryRun: false },
  ),
});

const severityLabel = z.enum(SEVERITY_LABELS);

export const findingEnrichmentSchema = z.strictObject({
  /** The Detective behavior graph; without it the workflow uses the only graph ListGraphs returns. */
  graphArn: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:detective:[a-z0-9-]+:\d{12}:graph:[a-f0-9]{32}$/, 'must be a Detective behavior graph ARN'))),
  triggers: z._default(
    z.strictObject({
      securityHubImported: z._default(z.boolean(), true),
      customAction: z._default(z.boolean(), true),
      guardDuty: z._default(z.boolean(), false),
    }),
    { securityHubImported: true, customAction: true, guardDuty: false },
  ),
  /** GuardDuty severity from which a finding event is investigated directly (4.0 = MEDIUM). */
  minimumGuardDutySeverity: z._default(z.number().check(z.gte(0), z.lte(10)), 4),
  /** Security Hub severities the automation rule flags for investigation. */
  investigateSeverities: z._default(z.array(severityLabel).check(z.minLength(1)), ['MEDIUM', 'HIGH', 'CRITICAL']),
  /** Id of the Security Hub custom action (ActionTarget) analysts pick: letters and digits, at most 20. */
  customActionId: z._default(z.string().check(z.regex(/^[A-Za-z0-9]{1,20}$/, 'must be 1 to 20 letters or digits')), 'Investigate'),
  /**
   * The Region of the organization's IAM Identity Center instance. Its roles' ARNs carry it
   * (`role/aws-reserved/sso.amazonaws.com/<Region>/AWSReservedSSO_...`, none for us-east-1); it
   * places such a role named by a finding of another account, where IAM is not read. Without it,
   * the finding's Region is assumed, and the note says so.
   */
  identityCenterRegion: z.optional(awsRegion),
  /** How far before the first observation the investigation looks (the AWS example's 24 hours). */
  scopeHoursBeforeFirstSeen: z._default(z.int().check(z.gte(1), z.lte(720)), 24),
  polling: z._default(
    z.strictObject({
      firstWaitSeconds: z._default(z.int().check(z.gte(5), z.lte(3600)), 60),
      maxWaitSeconds: z._default(z.int().check(z.gte(5), z.lte(3600)), 600),
      /** Deadline for an investigation to finish; may well exceed Lambda's 15 minutes. */
      deadlineMinutes: z._default(z.int().check(z.gte(1), z.lte(24 * 60)), 120),
    }).check(
      z.refine((polling) => polling.firstWaitSeconds <= polling.maxWaitSeconds, { message: 'must not exceed maxWaitSeconds (waits double up to it)', path: ['firstWaitSeconds'] }),
      z.refine((polling) => polling.firstWaitSeconds <= polling.deadlineMinutes * 60, { message: 'must come before the deadline (deadlineMinutes)', path: ['firstWaitSeconds'] }),
    ),
    { firstWaitSeconds: 60, maxWaitSeconds: 600, deadlineMinutes: 120 },
  ),
  /** Raise the finding's severity label when Detective's is higher. */
  raiseSeverity: z._default(z.boolean(), false),
  /** Principals investigated at once within one execution. */
  concurrency: z._default(z.int().check(z.gte(1), z.lte(40)), 5),
  eventBusName: z._default(name, 'default'),
});

export const configSchema = z.strictObject({
  region: awsRegion,
  instanceDns: instanceDnsSchema,
  findingEnrichment: z._default(findingEnrichmentSchema, {
    triggers: { securityHubImported: true, customAction: true, guardDuty: false },
    minimumGuardDutySeverity: 4,
    investigateSeverities: ['MEDIUM', 'HIGH', 'CRITICAL'],
    customActionId: 'Investigate',
    scopeHoursBeforeFirstSeen: 24,
    polling: { firstWaitSeconds: 60, maxWaitSeconds: 600, deadlineMinutes: 120 },
    raiseSeverity: false,
    concurrency: 5,
    eventBusName: 'default',
  }),
  alarms: z._default(
    z.strictObject({ email: z.optional(z.string().check(z.email())) }),
    {},
  ),
});

export type OpsflowConfig = z.infer<typeof configSchema>;
export type InstanceDnsConfig = OpsflowConfig['instanceDns'];
export type DnsGroupConfig = z.infer<typeof dnsGroupSchema>;
export type FindingEnrichmentConfig = OpsflowConfig['findingEnrichment'];

/** Parses a raw config; the error names the source and the first wrong field in one line. */
export function parseConfig(raw: unknown, source: string): OpsflowConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new InvalidConfig(`${source}: ${where}: ${issue?.message ?? 'invalid'}`);
}

export const CONFIG_ENV = 'OPSFLOW_CONFIG';

export function configFromEnvironment(env: NodeJS.ProcessEnv): OpsflowConfig {
  const text = env[CONFIG_ENV];
  if (!text) throw new InvalidConfig(`${CONFIG_ENV} is not set`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidConfig(`${CONFIG_ENV} is not valid JSON`, { cause: error });
  }
  return parseConfig(raw, CONFIG_ENV);
}
