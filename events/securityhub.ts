import * as z from 'zod/mini';
import { eventBridgeEventSchema } from './eventbridge.ts';

/**
 * Security Hub events and the AWS Security Finding Format (ASFF) fields their samples carry
 * (events/samples/securityhub/). Only what a sample shows is declared; everything else passes
 * through the loose objects untouched.
 */
export const SECURITYHUB_SOURCE = 'aws.securityhub';

export const SecurityHubDetailType = {
  FindingsImported: 'Security Hub Findings - Imported',
  FindingsCustomAction: 'Security Hub Findings - Custom Action',
} as const;
export type SecurityHubDetailType = (typeof SecurityHubDetailType)[keyof typeof SecurityHubDetailType];

/**
 * ASFF `Resources[].Type` values. The first three appear in the samples; AwsIamAccessKey and
 * AwsIamRole are the documented names of the other IAM resources (Security Hub user guide,
 * "AwsIam resources in ASFF") for which no real sample was found yet.
 */
export const AsffResourceType = {
  AwsAccount: 'AwsAccount',
  AwsEc2Instance: 'AwsEc2Instance',
  AwsIamUser: 'AwsIamUser',
  AwsIamAccessKey: 'AwsIamAccessKey',
  AwsIamRole: 'AwsIamRole',
} as const;

/** Documented values of `Workflow.Status`; the samples show NEW and RESOLVED. */
export const WorkflowStatus = {
  New: 'NEW',
  Notified: 'NOTIFIED',
  Resolved: 'RESOLVED',
  Suppressed: 'SUPPRESSED',
} as const;

/** Documented values of `RecordState`; the samples show ACTIVE. */
export const RecordState = {
  Active: 'ACTIVE',
  Archived: 'ARCHIVED',
} as const;

export const AwsIamUserDetailsSchema = z.looseObject({
  AttachedManagedPolicies: z.optional(z.array(z.looseObject({
    PolicyName: z.string(),
    PolicyArn: z.string(),
  }))),
  CreateDate: z.optional(z.string()),
  GroupList: z.optional(z.array(z.string())),
  Path: z.optional(z.string()),
  UserId: z.optional(z.string()),
  UserName: z.optional(z.string()),
  UserPolicyList: z.optional(z.array(z.looseObject({ PolicyName: z.string() }))),
});

export const AwsEc2InstanceDetailsSchema = z.looseObject({
  Type: z.optional(z.string()),
  ImageId: z.optional(z.string()),
  IpV4Addresses: z.optional(z.array(z.string())),
  VpcId: z.optional(z.string()),
  SubnetId: z.optional(z.string()),
  LaunchedAt: z.optional(z.string()),
});

export const AsffResourceSchema = z.looseObject({
  Type: z.string(),
  Id: z.string(),
  Partition: z.optional(z.string()),
  Region: z.optional(z.string()),
  Tags: z.optional(z.record(z.string(), z.string())),
  Details: z.optional(z.looseObject({
    AwsIamUser: z.optional(AwsIamUserDetailsSchema),
    AwsEc2Instance: z.optional(AwsEc2InstanceDetailsSchema),
  })),
});

export const AsffSeveritySchema = z.looseObject({
  Label: z.string(),
  Normalized: z.optional(z.number()),
  Product: z.optional(z.number()),
  Original: z.optional(z.string()),
});

/** One finding in ASFF; the attributes ASFF requires are required here too. */
export const AsffFindingSchema = z.looseObject({
  SchemaVersion: z.string(),
  Id: z.string(),
  ProductArn: z.string(),
  GeneratorId: z.string(),
  AwsAccountId: z.string(),
  Types: z.array(z.string()),
  CreatedAt: z.string(),
  UpdatedAt: z.string(),
  Severity: AsffSeveritySchema,
  Title: z.string(),
  Description: z.string(),
  Resources: z.array(AsffResourceSchema),
  FirstObservedAt: z.optional(z.string()),
  LastObservedAt: z.optional(z.string()),
  ProductName: z.optional(z.string()),
  CompanyName: z.optional(z.string()),
  Region: z.optional(z.string()),
  SourceUrl: z.optional(z.string()),
  ProductFields: z.optional(z.record(z.string(), z.string())),
  Compliance: z.optional(z.looseObject({
    Status: z.string(),
    StatusReasons: z.optional(z.array(z.looseObject({
      Description: z.string(),
      ReasonCode: z.string(),
    }))),
  })),
  Remediation: z.optional(z.looseObject({
    Recommendation: z.looseObject({
      Text: z.string(),
      Url: z.string(),
    }),
  })),
  Note: z.optional(z.looseObject({
    Text: z.string(),
    UpdatedAt: z.string(),
    UpdatedBy: z.string(),
  })),
  Workflow: z.optional(z.looseObject({ Status: z.string() })),
  WorkflowState: z.optional(z.string()),
  RecordState: z.optional(z.string()),
  FindingProviderFields: z.optional(z.looseObject({
    Severity: z.optional(z.looseObject({
      Label: z.optional(z.string()),
      Original: z.optional(z.string()),
    })),
    Types: z.optional(z.array(z.string())),
  })),
});

export const FindingsImportedDetailSchema = z.looseObject({
  findings: z.array(AsffFindingSchema),
});

/** A custom action sends every finding the analyst selected, with the action's name. */
export const FindingsCustomActionDetailSchema = z.looseObject({
  actionName: z.string(),
  actionDescription: z.string(),
  findings: z.array(AsffFindingSchema),
});

export const FindingsImportedEventSchema = eventBridgeEventSchema(
  SECURITYHUB_SOURCE, SecurityHubDetailType.FindingsImported, FindingsImportedDetailSchema);
export const FindingsCustomActionEventSchema = eventBridgeEventSchema(
  SECURITYHUB_SOURCE, SecurityHubDetailType.FindingsCustomAction, FindingsCustomActionDetailSchema);

export const SecurityHubEventSchema = z.discriminatedUnion('detail-type', [
  FindingsImportedEventSchema,
  FindingsCustomActionEventSchema,
]);

export type AsffResource = z.infer<typeof AsffResourceSchema>;
export type AsffFinding = z.infer<typeof AsffFindingSchema>;
export type FindingsImportedEvent = z.infer<typeof FindingsImportedEventSchema>;
export type FindingsCustomActionEvent = z.infer<typeof FindingsCustomActionEventSchema>;
export type SecurityHubEvent = z.infer<typeof SecurityHubEventSchema>;
