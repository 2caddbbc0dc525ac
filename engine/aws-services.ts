/**
 * The AWS SDK integrations the bridge can run, by the service name Step Functions uses in
 * `arn:aws:states:::aws-sdk:<service>:<action>`. Packages load on first use, so a service whose
 * client package is not installed yet only fails when a task actually needs it.
 */
export interface AwsService {
  readonly packageName: string;
  readonly clientClass: string;
  /** The package's base class of every error the service returns. */
  readonly serviceExceptionClass: string;
  /** How Step Functions prefixes the service's error names: `<errorPrefix>.<Name>Exception`. */
  readonly errorPrefix: string;
  /** The SDK's members are camelCase where Step Functions writes PascalCase. */
  readonly camelCaseMembers: boolean;
}

function service(packageName: string, clientStem: string, errorPrefix: string, camelCaseMembers = false): AwsService {
  return {
    packageName,
    clientClass: `${clientStem}Client`,
    serviceExceptionClass: `${clientStem}ServiceException`,
    errorPrefix,
    camelCaseMembers,
  };
}

export const awsServices: Readonly<Record<string, AwsService>> = {
  route53: service('@aws-sdk/client-route-53', 'Route53', 'Route53'),
  ec2: service('@aws-sdk/client-ec2', 'EC2', 'Ec2'),
  autoscaling: service('@aws-sdk/client-auto-scaling', 'AutoScaling', 'AutoScaling'),
  eventbridge: service('@aws-sdk/client-eventbridge', 'EventBridge', 'EventBridge'),
  sfn: service('@aws-sdk/client-sfn', 'SFN', 'Sfn', true),
  securityhub: service('@aws-sdk/client-securityhub', 'SecurityHub', 'SecurityHub'),
  detective: service('@aws-sdk/client-detective', 'Detective', 'Detective'),
  iam: service('@aws-sdk/client-iam', 'IAM', 'Iam'),
  quicksight: service('@aws-sdk/client-quicksight', 'QuickSight', 'QuickSight'),
  identitystore: service('@aws-sdk/client-identitystore', 'Identitystore', 'Identitystore'),
  opensearch: service('@aws-sdk/client-opensearch', 'OpenSearch', 'OpenSearch'),
  sts: service('@aws-sdk/client-sts', 'STS', 'Sts'),
};

export type ServicePackage = Readonly<Record<string, unknown>>;

/**
 * The client packages opsflow depends on, imported by literal names: a bundler (the CLI's
 * install-time build, bin/build.js) then includes them, and the bridge and the sandbox share one
 * copy of each client (its error classes are compared with instanceof).
 */
const dependedOn: Readonly<Record<string, () => Promise<unknown>>> = {
  '@aws-sdk/client-auto-scaling': () => import('@aws-sdk/client-auto-scaling'),
  '@aws-sdk/client-detective': () => import('@aws-sdk/client-detective'),
  '@aws-sdk/client-ec2': () => import('@aws-sdk/client-ec2'),
  '@aws-sdk/client-eventbridge': () => import('@aws-sdk/client-eventbridge'),
  '@aws-sdk/client-iam': () => import('@aws-sdk/client-iam'),
  '@aws-sdk/client-identitystore': () => import('@aws-sdk/client-identitystore'),
  '@aws-sdk/client-lambda': () => import('@aws-sdk/client-lambda'),
  '@aws-sdk/client-quicksight': () => import('@aws-sdk/client-quicksight'),
  '@aws-sdk/client-route-53': () => import('@aws-sdk/client-route-53'),
  '@aws-sdk/client-securityhub': () => import('@aws-sdk/client-securityhub'),
  '@aws-sdk/client-sfn': () => import('@aws-sdk/client-sfn'),
};

/** Loads a service's client package; undefined when it is not installed. */
export async function loadServicePackage(entry: Pick<AwsService, 'packageName'>): Promise<ServicePackage | undefined> {
  try {
    const load = dependedOn[entry.packageName] ?? (() => import(entry.packageName));
    return (await load()) as ServicePackage;
  } catch (error) {
    if (isModuleNotFound(error, entry.packageName)) return undefined;
    throw error;
  }
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' &&
    error.message.includes(packageName)
  );
}

/** `changeResourceRecordSets` → `ChangeResourceRecordSetsCommand`. */
export function commandClassName(action: string): string {
  return `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
}
