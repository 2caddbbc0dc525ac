import { DescribeInstancesCommand, EC2ServiceException, type Filter } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { bastionInstance, fixtureSeed, rejection, reportsInstance, sandbox, terminatedWeblogicInstance, weblogicInstance } from './sandbox-clients.ts';

async function instanceIds(filters: Filter[], seed = fixtureSeed()): Promise<string[]> {
  const { ec2 } = sandbox({}, seed);
  const { Reservations } = await ec2.send(new DescribeInstancesCommand({ Filters: filters }));
  return (Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId ?? '');
}

describe('EC2 DescribeInstances', () => {
  it('describes instances by id with state, addresses, tags and launch time', async () => {
    const { ec2 } = sandbox();
    const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [weblogicInstance, bastionInstance] }));
    expect(Reservations?.every((reservation) => reservation.OwnerId === '123456789012')).toBe(true);
    const [weblogic, bastion] = (Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
    expect(weblogic).toMatchObject({
      InstanceId: weblogicInstance,
      State: { Code: 16, Name: 'running' },
      PrivateIpAddress: '10.20.1.15',
      PrivateDnsName: 'ip-10-20-1-15.eu-west-1.compute.internal',
      SubnetId: 'subnet-0a1b2c3d4e5f60718',
      VpcId: 'vpc-0f1e2d3c4b5a69788',
      LaunchTime: new Date('2025-01-13T07:45:02Z'),
    });
    expect(weblogic?.PublicIpAddress).toBeUndefined();
    expect(weblogic?.Tags).toContainEqual({ Key: 'aws:autoscaling:groupName', Value: 'weblogic-admin' });
    expect(bastion?.PublicIpAddress).toBe('203.0.113.24');
  });

  it('keeps terminated instances, without a private IP address', async () => {
    const { ec2 } = sandbox();
    const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [terminatedWeblogicInstance] }));
    const instance = Reservations?.[0]?.Instances?.[0];
    expect(instance?.State).toEqual({ Code: 48, Name: 'terminated' });
    expect(instance).not.toHaveProperty('PrivateIpAddress');
    expect(instance).not.toHaveProperty('SubnetId');
    expect(instance?.PrivateDnsName).toBe('');
  });

  it('throws InvalidInstanceID.NotFound for unknown ids, naming them as EC2 does', async () => {
    const { ec2 } = sandbox();
    const one = await rejection(ec2.send(new DescribeInstancesCommand({ InstanceIds: [weblogicInstance, 'i-0123456789abcdef0'] })));
    expect(one).toBeInstanceOf(EC2ServiceException);
    expect(one.name).toBe('InvalidInstanceID.NotFound');
    expect(one.$fault).toBe('client');
    expect(one.message).toBe("The instance ID 'i-0123456789abcdef0' does not exist");
    const two = await rejection(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1'] })));
    expect(two.message).toBe("The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist");
    const malformed = await rejection(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['weblogic'] })));
    expect(malformed.name).toBe('InvalidInstanceID.Malformed');
  });

  it('filters by group tag and state', async () => {
    expect(
      await instanceIds([
        { Name: 'tag:aws:autoscaling:groupName', Values: ['weblogic-admin'] },
        { Name: 'instance-state-name', Values: ['running'] },
      ]),
    ).toEqual([weblogicInstance]);
    expect(await instanceIds([{ Name: 'tag:aws:autoscaling:groupName', Values: ['weblogic-admin'] }])).toEqual([terminatedWeblogicInstance, weblogicInstance]);
  });

  it('filters by tag-key, instance-id and private-ip-address with wildcards', async () => {
    expect(await instanceIds([{ Name: 'tag-key', Values: ['Application'] }])).toHaveLength(4);
    expect(await instanceIds([{ Name: 'instance-id', Values: [reportsInstance, bastionInstance] }])).toEqual([reportsInstance, bastionInstance]);
    expect(await instanceIds([{ Name: 'private-ip-address', Values: ['10.30.*'] }])).toEqual([reportsInstance]);
    expect(await instanceIds([{ Name: 'private-ip-address', Values: ['10.20.1.1?'] }])).toEqual([weblogicInstance]);
    expect(await instanceIds([{ Name: 'instance-state-name', Values: ['stopped'] }])).toEqual([]);
  });

  it('answers the instances a request names by id in the account\'s order, whatever order it names them in', async () => {
    const named = [bastionInstance, terminatedWeblogicInstance, reportsInstance];
    const accountOrder = [terminatedWeblogicInstance, reportsInstance, bastionInstance];
    expect(await instanceIds([{ Name: 'instance-id', Values: named }])).toEqual(accountOrder);
    expect(await instanceIds([{ Name: 'instance-id', Values: [...named, 'i-0123456789abcdef0'] }, { Name: 'instance-state-name', Values: ['running'] }])).toEqual([reportsInstance, bastionInstance]);
    expect(await instanceIds([{ Name: 'instance-id', Values: ['i-0a3f5c2e9b7d4100?'] }])).toEqual([terminatedWeblogicInstance, weblogicInstance]);
    const { ec2 } = sandbox();
    const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: named, Filters: [{ Name: 'instance-state-name', Values: ['terminated'] }] }));
    expect(Reservations?.flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId)).toEqual([terminatedWeblogicInstance]);
  });

  it('refuses an unknown filter name', async () => {
    const { ec2 } = sandbox();
    const error = await rejection(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'public-ip', Values: ['203.0.113.24'] }] })));
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe("The filter 'public-ip' is invalid");
  });

  it('pages with MaxResults and NextToken', async () => {
    const { account, ec2 } = sandbox();
    for (const address of ['10.30.2.41', '10.30.2.42', '10.30.2.43']) account.launchInstance({ group: 'reports-admin', privateIpAddress: address });
    const ids: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken }));
      ids.push(...(page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId ?? ''));
      NextToken = page.NextToken;
      pages += 1;
    } while (NextToken);
    expect(pages).toBe(2);
    expect(new Set(ids).size).toBe(7);
  });

  it('reads a backslash in a filter value as making the next character literal, as EC2 documents', async () => {
    const seed = fixtureSeed();
    const bastion = seed.ec2?.instances?.find((instance) => instance.instanceId === bastionInstance);
    if (bastion) bastion.tags = { ...bastion.tags, Note: '*amazon?\\' };
    expect(await instanceIds([{ Name: 'tag:Note', Values: ['\\*amazon\\?\\\\'] }], seed)).toEqual([bastionInstance]);
    expect(await instanceIds([{ Name: 'tag:Note', Values: ['\\*amazon\\?'] }], seed)).toEqual([]);
    expect(await instanceIds([{ Name: 'tag:Note', Values: ['*amazon?*'] }], seed)).toEqual([bastionInstance]);
    expect(await instanceIds([{ Name: 'tag:Note', Values: ['\\?amazon*'] }], seed)).toEqual([]);
  });
});

describe('EC2 DescribeInstances with request input of any size', () => {
  const hugeId = `i-${'0'.repeat(300_000)}`;

  it('answers a 300 KB instance-id filter value with no match, as a filter that names no instance, instead of failing', async () => {
    expect(await instanceIds([{ Name: 'instance-id', Values: [hugeId] }])).toEqual([]);
    expect(await instanceIds([{ Name: 'instance-id', Values: [hugeId, weblogicInstance] }])).toEqual([weblogicInstance]);
    expect(await instanceIds([{ Name: 'tag:Name', Values: [`${'*'.repeat(150_000)}admin`] }])).toEqual([terminatedWeblogicInstance, weblogicInstance, reportsInstance]);
  });

  it('answers a 300 KB instance id with InvalidInstanceID.Malformed, an unmodeled EC2 error with status 400', async () => {
    const { ec2 } = sandbox();
    const error = await rejection(ec2.send(new DescribeInstancesCommand({ InstanceIds: [hugeId] })));
    expect(error).toBeInstanceOf(EC2ServiceException);
    expect(error.name).toBe('InvalidInstanceID.Malformed');
    expect(error.$fault).toBe('client');
    expect((error.$metadata as { httpStatusCode?: number }).httpStatusCode).toBe(400);
    expect(error.message.startsWith('Invalid id: "i-000')).toBe(true);
  });

  it('matches many wildcards without backtracking blow-up (a regular expression takes seconds on this input)', async () => {
    const seed = fixtureSeed();
    const bastion = seed.ec2?.instances?.find((instance) => instance.instanceId === bastionInstance);
    if (bastion) bastion.tags = { ...bastion.tags, Note: `${'a'.repeat(40)}b` };
    const started = performance.now();
    expect(await instanceIds([{ Name: 'tag:Note', Values: [`${'*a'.repeat(9)}c`] }], seed)).toEqual([]);
    expect(await instanceIds([{ Name: 'tag:Note', Values: [`${'*a'.repeat(9)}b`] }], seed)).toEqual([bastionInstance]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
