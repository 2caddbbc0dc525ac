import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DescribeDomainCommand, DescribeDomainsCommand, ListDomainNamesCommand, OpenSearchClient, ResourceNotFoundException, ValidationException } from '@aws-sdk/client-opensearch';
import { describe, expect, it } from 'vitest';
import { SandboxRegionNotSimulated } from '../../../../engine/sandbox/index.ts';
import { searchSandbox } from './opensearch-clients.ts';

function clients(account: ReturnType<typeof searchSandbox>['account']) {
  const openSearch = (region: string) => {
    const client = new OpenSearchClient({ region });
    client.middlewareStack.use(account.plugin({ region }));
    return client;
  };
  return { primary: openSearch('eu-west-1'), standby: openSearch('eu-central-1'), other: openSearch('us-east-1') };
}

describe('OpenSearch Service control plane', () => {
  it('describes the domain of the client\'s Region', async () => {
    const { account, endpointOf } = searchSandbox();
    const { primary, standby } = clients(account);
    const { DomainStatus } = await primary.send(new DescribeDomainCommand({ DomainName: 'catalog' }));
    expect(DomainStatus).toMatchObject({
      DomainId: '123456789012/catalog',
      DomainName: 'catalog',
      ARN: 'arn:aws:es:eu-west-1:123456789012:domain/catalog',
      Endpoint: endpointOf('eu-west-1'),
      EngineVersion: 'OpenSearch_2.13',
      Processing: false,
      DomainProcessingStatus: 'Active',
    });
    expect((await standby.send(new DescribeDomainCommand({ DomainName: 'catalog' }))).DomainStatus?.Endpoint).toBe(endpointOf('eu-central-1'));
  });

  it('shows a configuration change in progress', async () => {
    const { account } = searchSandbox();
    account.setDomainStatus('eu-west-1', 'catalog', { processing: true });
    const { DomainStatus } = await clients(account).primary.send(new DescribeDomainCommand({ DomainName: 'catalog' }));
    expect(DomainStatus).toMatchObject({ Processing: true, DomainProcessingStatus: 'Modifying' });
  });

  it('answers a domain of another Region or no domain with ResourceNotFoundException, and a bad name with ValidationException', async () => {
    const { account } = searchSandbox();
    const { primary, other } = clients(account);
    const missing = await other.send(new DescribeDomainCommand({ DomainName: 'catalog' })).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ message: 'Domain not found: catalog' });
    await expect(primary.send(new DescribeDomainCommand({ DomainName: 'Catalog' }))).rejects.toBeInstanceOf(ValidationException);
    expect(account.calls.at(-1)).toMatchObject({ service: 'opensearch', operation: 'DescribeDomain', error: 'ValidationException' });
  });

  it('lists and describes several domains per Region', async () => {
    const { account } = searchSandbox();
    const { primary, other } = clients(account);
    expect((await primary.send(new ListDomainNamesCommand({}))).DomainNames).toEqual([{ DomainName: 'catalog', EngineType: 'OpenSearch' }]);
    expect((await primary.send(new ListDomainNamesCommand({ EngineType: 'Elasticsearch' }))).DomainNames).toEqual([]);
    expect((await other.send(new ListDomainNamesCommand({}))).DomainNames).toEqual([]);
    const { DomainStatusList } = await primary.send(new DescribeDomainsCommand({ DomainNames: ['catalog', 'gone'] }));
    expect(DomainStatusList?.map((status) => status.DomainName)).toEqual(['catalog']);
  });

  it('fails a call by fault rule with the service\'s error', async () => {
    const { account } = searchSandbox({ faults: [{ service: 'opensearch', operation: 'DescribeDomain', error: 'ThrottlingException', times: 1 }] });
    const { primary } = clients(account);
    await expect(primary.send(new DescribeDomainCommand({ DomainName: 'catalog' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(primary.send(new DescribeDomainCommand({ DomainName: 'catalog' }))).resolves.toBeDefined();
  });
});

describe('Regions of the sandbox\'s services', () => {
  it('refuse a client of another Region for a service held in the home Region only, rather than answer from the home Region', async () => {
    const { account } = searchSandbox();
    const ec2 = new EC2Client({ region: 'eu-central-1' });
    ec2.middlewareStack.use(account.plugin({ region: 'eu-central-1' }));
    const refused = await ec2.send(new DescribeInstancesCommand({})).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SandboxRegionNotSimulated);
    expect(refused).toMatchObject({ message: 'The sandbox holds ec2 in eu-west-1 only; a client for eu-central-1 called DescribeInstances' });
  });

  it('answer Route 53 and IAM from any Region', async () => {
    const { account } = searchSandbox();
    const iam = new IAMClient({ region: 'eu-central-1' });
    iam.middlewareStack.use(account.plugin({ region: 'eu-central-1' }));
    await expect(iam.send(new GetRoleCommand({ RoleName: 'OpsflowSearchSnapshotRole' }))).resolves.toMatchObject({ Role: { RoleName: 'OpsflowSearchSnapshotRole' } });
    const route53 = new Route53Client({ region: 'eu-central-1' });
    route53.middlewareStack.use(account.plugin({ region: 'eu-central-1' }));
    const change = { Action: 'UPSERT' as const, ResourceRecordSet: { Name: 'search.corp.internal.', Type: 'CNAME' as const, TTL: 60, ResourceRecords: [{ Value: account.openSearchEndpoints()[1]?.endpoint ?? '' }] } };
    await expect(route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: 'Z0OPSFLOWINTERNAL01', ChangeBatch: { Changes: [change] } }))).resolves.toBeDefined();
  });
});
