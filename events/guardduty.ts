import * as z from 'zod/mini';
import { eventBridgeEventSchema } from './eventbridge.ts';

/**
 * GuardDuty findings delivered by EventBridge (events/samples/guardduty/). The detail is the
 * finding itself, in GuardDuty's camelCase (not the PascalCase of the GetFindings API).
 */
export const GUARDDUTY_SOURCE = 'aws.guardduty';

export const GuardDutyDetailType = {
  Finding: 'GuardDuty Finding',
} as const;

/** `resource.resourceType` values the samples show. */
export const GuardDutyResourceType = {
  AccessKey: 'AccessKey',
  S3Bucket: 'S3Bucket',
} as const;

/** Every member is optional in the GuardDuty API reference (AccessKeyDetails). */
export const AccessKeyDetailsSchema = z.looseObject({
  accessKeyId: z.optional(z.string()),
  principalId: z.optional(z.string()),
  userType: z.optional(z.string()),
  userName: z.optional(z.string()),
});

export const GuardDutyResourceSchema = z.looseObject({
  resourceType: z.string(),
  // Findings about S3 buckets name the calling principal here as well as AccessKey findings do.
  accessKeyDetails: z.optional(AccessKeyDetailsSchema),
  instanceDetails: z.optional(z.looseObject({
    instanceId: z.optional(z.string()),
  })),
  s3BucketDetails: z.optional(z.array(z.looseObject({
    arn: z.optional(z.string()),
    name: z.optional(z.string()),
    type: z.optional(z.string()),
  }))),
});

export const AwsApiCallActionSchema = z.looseObject({
  api: z.optional(z.string()),
  serviceName: z.optional(z.string()),
  callerType: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  remoteIpDetails: z.optional(z.looseObject({
    ipAddressV4: z.optional(z.string()),
  })),
  affectedResources: z.optional(z.record(z.string(), z.string())),
});

export const GuardDutyServiceSchema = z.looseObject({
  serviceName: z.string(),
  detectorId: z.string(),
  action: z.optional(z.looseObject({
    actionType: z.string(),
    awsApiCallAction: z.optional(AwsApiCallActionSchema),
  })),
  resourceRole: z.optional(z.string()),
  // `sample: true` marks findings made by CreateSampleFindings.
  additionalInfo: z.optional(z.looseObject({
    sample: z.optional(z.boolean()),
  })),
  eventFirstSeen: z.optional(z.string()),
  eventLastSeen: z.optional(z.string()),
  archived: z.optional(z.boolean()),
  count: z.optional(z.number()),
});

export const GuardDutyFindingDetailSchema = z.looseObject({
  schemaVersion: z.string(),
  accountId: z.string(),
  region: z.string(),
  partition: z.string(),
  id: z.string(),
  arn: z.string(),
  type: z.string(),
  resource: GuardDutyResourceSchema,
  service: GuardDutyServiceSchema,
  severity: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  title: z.string(),
  description: z.string(),
});

export const GuardDutyFindingEventSchema = eventBridgeEventSchema(
  GUARDDUTY_SOURCE, GuardDutyDetailType.Finding, GuardDutyFindingDetailSchema);

export type AccessKeyDetails = z.infer<typeof AccessKeyDetailsSchema>;
export type GuardDutyFindingDetail = z.infer<typeof GuardDutyFindingDetailSchema>;
export type GuardDutyFindingEvent = z.infer<typeof GuardDutyFindingEventSchema>;
