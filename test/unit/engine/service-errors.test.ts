import { describe, expect, it } from 'vitest';
import { fallbackNames, serviceErrorsFor, type ServiceErrors } from '../../../engine/service-errors.ts';

async function errorsOf(integration: string): Promise<ServiceErrors> {
  const errors = await serviceErrorsFor(integration);
  expect(errors, `a model for ${integration}`).toBeDefined();
  return errors as ServiceErrors;
}

describe('the service error table, derived from the SDK models', () => {
  it('names a modeled error by its wire code with the Exception suffix: awsQuery codes differ from the SDK class names', async () => {
    const autoScaling = await errorsOf('autoscaling');
    expect(autoScaling.nameOf('ResourceContentionFault')).toBe('AutoScaling.ResourceContentionException');
    expect(autoScaling.nameOf('ResourceContention')).toBe('AutoScaling.ResourceContentionException');
    expect(autoScaling.modeled('ResourceContention')).toMatchObject({ shape: 'ResourceContentionFault', status: 500, fault: 'server' });
    const route53 = await errorsOf('route53');
    expect(route53.nameOf('PriorRequestNotComplete')).toBe('Route53.PriorRequestNotCompleteException');
    expect(route53.nameOf('InvalidChangeBatch')).toBe('Route53.InvalidChangeBatchException');
    expect((await errorsOf('detective')).nameOf('TooManyRequestsException')).toBe('Detective.TooManyRequestsException');
  });

  it('names what the model does not know <Prefix>.<Prefix>Exception, whatever the code', async () => {
    expect((await errorsOf('route53')).nameOf('Throttling')).toBe('Route53.Route53Exception');
    expect((await errorsOf('autoscaling')).nameOf('ValidationError')).toBe('AutoScaling.AutoScalingException');
    expect((await errorsOf('ec2')).nameOf('RequestLimitExceeded')).toBe('Ec2.Ec2Exception');
    expect((await errorsOf('sfn')).nameOf('ThrottlingException')).toBe('Sfn.SfnException');
    expect((await errorsOf('states:startExecution')).nameOf('ThrottlingException')).toBe('StepFunctions.AWSStepFunctionsException');
    expect((await errorsOf('lambda:invoke')).nameOf('InternalFailure')).toBe('Lambda.AWSLambdaException');
  });

  it("answers with the model's HTTP status, and AWS's documented one for unmodeled codes", async () => {
    const route53 = await errorsOf('route53');
    expect(route53.statusOf('NoSuchHostedZone')).toBe(404);
    expect(route53.statusOf('Throttling')).toBe(400);
    expect((await errorsOf('ec2')).statusOf('RequestLimitExceeded')).toBe(503);
    expect((await errorsOf('detective')).statusOf('TooManyRequestsException')).toBe(429);
    expect((await errorsOf('lambda:invoke')).statusOf('ResourceNotFoundException')).toBe(404);
  });

  it("lists, per operation, the transient names a Retry must have: the fallback, then the modeled throttling and server errors it declares, and the service's throttling", async () => {
    const route53 = await errorsOf('route53');
    expect(route53.transientNames('ListResourceRecordSets')).toEqual(['Route53.Route53Exception']);
    expect(route53.transientNames('ChangeResourceRecordSets')).toEqual(['Route53.Route53Exception', 'Route53.PriorRequestNotCompleteException']);
    expect((await errorsOf('autoscaling')).transientNames('CompleteLifecycleAction')).toEqual(['AutoScaling.AutoScalingException', 'AutoScaling.ResourceContentionException']);
    expect((await errorsOf('detective')).transientNames('StartInvestigation')).toEqual([
      'Detective.DetectiveException',
      'Detective.InternalServerException',
      'Detective.TooManyRequestsException',
    ]);
    expect((await errorsOf('securityhub')).transientNames('BatchUpdateFindings')).toEqual([
      'SecurityHub.SecurityHubException',
      'SecurityHub.InternalException',
      'SecurityHub.LimitExceededException',
    ]);
    expect((await errorsOf('sfn')).transientNames('DescribeExecution')).toEqual(['Sfn.SfnException']);
    expect((await errorsOf('events:putEvents')).transientNames('PutEvents')).toEqual([
      'EventBridge.AmazonEventBridgeException',
      'EventBridge.FailedEntry',
      'EventBridge.InternalException',
      'EventBridge.ThrottlingException',
    ]);
    // DescribeDomain's model declares no throttling, but the service throttles every operation, under a modeled name.
    expect((await errorsOf('opensearch')).transientNames('DescribeDomain')).toContain('OpenSearch.ThrottlingException');
    expect((await errorsOf('states:startExecution')).transientNames('StartExecution')).toEqual([
      'StepFunctions.AWSStepFunctionsException',
      'StepFunctions.ExecutionLimitExceededException',
    ]);
    expect((await errorsOf('lambda:invoke')).transientNames('Invoke')).toEqual([
      'Lambda.AWSLambdaException',
      'Lambda.ClientExecutionTimeoutException',
      'Lambda.SdkClientException',
      'Lambda.ServiceException',
      'Lambda.TooManyRequestsException',
    ]);
  });

  it('writes Causes as Step Functions does: Java SDK v2 for aws-sdk integrations, v1 for optimized ones', async () => {
    expect((await errorsOf('route53')).causeOf('Rate exceeded', 'Throttling', 400, 'r-1')).toBe('Rate exceeded (Service: Route53, Status Code: 400, Request ID: r-1)');
    expect((await errorsOf('lambda:invoke')).causeOf('Function not found: f', 'ResourceNotFoundException', 404, 'r-2')).toBe(
      'Function not found: f (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: r-2; Proxy: null)',
    );
  });

  it('knows every name an integration can raise, and which names are broad fallbacks', async () => {
    const known = (await errorsOf('lambda:invoke')).knownNames();
    expect(known).toEqual(expect.arrayContaining(['Lambda.AWSLambdaException', 'Lambda.TooManyRequestsException', 'Lambda.Unknown', 'Lambda.SdkClientException']));
    expect((await errorsOf('sfn')).knownNames()).not.toContain('Sfn.ThrottlingException');
    expect(fallbackNames()).toEqual(
      expect.arrayContaining(['Route53.Route53Exception', 'AutoScaling.AutoScalingException', 'Ec2.Ec2Exception', 'Lambda.AWSLambdaException', 'StepFunctions.AWSStepFunctionsException']),
    );
  });
});
