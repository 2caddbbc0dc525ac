import { createRequire } from 'node:module';
import type {
  DescribeDomainCommandInput,
  DescribeDomainCommandOutput,
  DescribeDomainsCommandInput,
  DescribeDomainsCommandOutput,
  DomainStatus,
  ListDomainNamesCommandInput,
  ListDomainNamesCommandOutput,
} from '@aws-sdk/client-opensearch';
import { awsError } from '../errors.ts';
import { lazySdkExceptions, operation, sdkExceptions, type SandboxService } from '../service.ts';
import type { OpenSearchDomainState, SandboxStore } from '../state.ts';

/**
 * Amazon OpenSearch Service's control plane as the search workflows read it: DescribeDomain,
 * DescribeDomains and ListDomainNames, answered per the client's Region (a domain name is unique
 * within a Region). Facts from the OpenSearch Service API reference: DomainName 3 to 28 of
 * `[a-z][a-z0-9\-]+`; DescribeDomains takes up to 5 names and leaves out names that are not
 * domains; DescribeDomain answers an unknown name with ResourceNotFoundException (HTTP 409 in the
 * SDK's model). A domain processing a configuration change has `Processing: true` and
 * DomainProcessingStatus `Modifying`.
 *
 * `@aws-sdk/client-opensearch` is loaded only when an error is first raised: loading it costs about
 * 0.1 s, which every sandbox run would otherwise pay (the instance-dns bench counts start-up).
 */

const loadPackage = createRequire(import.meta.url);
const exceptions = lazySdkExceptions(() => {
  const sdk = loadPackage('@aws-sdk/client-opensearch') as typeof import('@aws-sdk/client-opensearch');
  return sdkExceptions(sdk, sdk.OpenSearchServiceException);
});

const domainNamePattern = /^[a-z][a-z0-9-]+$/;
export const OpenSearchLimit = { domainNameMin: 3, domainNameMax: 28, describeDomains: 5 } as const;

function checkedName(name: string | undefined, member: string): string {
  if (name === undefined) throw awsError('ValidationException', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  if (name.length < OpenSearchLimit.domainNameMin || name.length > OpenSearchLimit.domainNameMax || !domainNamePattern.test(name)) {
    throw awsError(
      'ValidationException',
      `1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z][a-z0-9\\-]+; Member must have length between ${OpenSearchLimit.domainNameMin} and ${OpenSearchLimit.domainNameMax}`,
    );
  }
  return name;
}

function domainOf(state: SandboxStore, region: string, name: string): OpenSearchDomainState | undefined {
  return state.openSearch.domains.get(`${region}/${name}`);
}

function domainStatus(domain: OpenSearchDomainState): DomainStatus {
  return {
    DomainId: domain.domainId,
    DomainName: domain.domainName,
    ARN: domain.arn,
    Created: true,
    Deleted: false,
    Endpoint: domain.endpoint,
    Processing: domain.processing,
    UpgradeProcessing: false,
    EngineVersion: domain.engineVersion,
    ClusterConfig: { InstanceType: 'r6g.large.search', InstanceCount: 2, DedicatedMasterEnabled: false, ZoneAwarenessEnabled: false },
    EncryptionAtRestOptions: { Enabled: domain.encrypted },
    DomainProcessingStatus: domain.processing ? 'Modifying' : 'Active',
  };
}

export const openSearchService: SandboxService = {
  key: 'opensearch',
  clientName: 'OpenSearchClient',
  regions: 'each',
  exceptions,
  operations: {
    DescribeDomain: operation<DescribeDomainCommandInput, DescribeDomainCommandOutput>(['DomainName'], (input, { state, region }) => {
      const name = checkedName(input.DomainName, 'domainName');
      const domain = domainOf(state, region, name);
      if (!domain) throw awsError('ResourceNotFoundException', `Domain not found: ${name}`);
      return { DomainStatus: domainStatus(domain) };
    }),
    DescribeDomains: operation<DescribeDomainsCommandInput, DescribeDomainsCommandOutput>(['DomainNames'], (input, { state, region }) => {
      const names = input.DomainNames ?? [];
      if (names.length > OpenSearchLimit.describeDomains) {
        throw awsError('ValidationException', `1 validation error detected: Value '[${names.join(', ')}]' at 'domainNames' failed to satisfy constraint: Member must have length less than or equal to ${OpenSearchLimit.describeDomains}`);
      }
      const found = names.map((name) => domainOf(state, region, checkedName(name, 'domainNames.member'))).filter((domain) => domain !== undefined);
      return { DomainStatusList: found.map(domainStatus) };
    }),
    ListDomainNames: operation<ListDomainNamesCommandInput, ListDomainNamesCommandOutput>(['EngineType'], (input, { state, region }) => {
      const domains = [...state.openSearch.domains.values()].filter((domain) => domain.region === region);
      const typed = domains.map((domain) => ({ DomainName: domain.domainName, EngineType: domain.engineVersion.startsWith('Elasticsearch_') ? ('Elasticsearch' as const) : ('OpenSearch' as const) }));
      return { DomainNames: input.EngineType === undefined ? typed : typed.filter((entry) => entry.EngineType === input.EngineType) };
    }),
  },
};
