import { describe, expect, it } from 'vitest';
import { InvalidEventPattern } from '../../../../engine/router/errors.ts';
import { matchesPattern, validatePattern } from '../../../../engine/router/pattern.ts';
import { OpsflowError } from '../../../../handlers/shared/errors.ts';

/** Where each row comes from; pages are under docs.aws.amazon.com/eventbridge/latest/userguide/. */
const source = {
  patterns: 'eb-event-patterns.html',
  syntax: 'eb-create-pattern.html',
  operators: 'eb-create-pattern-operators.html',
  arrays: 'eb-event-patterns-arrays.html',
  nulls: 'eb-event-patterns-null-values.html',
  bestPractices: 'eb-patterns-best-practices.html',
  wildcardBlog: 'aws.amazon.com/blogs/compute/filtering-events-in-amazon-eventbridge-with-wildcard-pattern-matching',
  eventRuler: 'github.com/aws/event-ruler README (the engine EventBridge runs)',
} as const;

interface Row {
  readonly source: string;
  readonly name: string;
  readonly pattern: unknown;
  readonly event: unknown;
  readonly matches: boolean;
}

// Events copied from the documentation pages named in `source`.
const ec2Terminated = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoScalingLaunch = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macieAlert = {
  version: '0',
  id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  account: '123456789012',
  time: '2017-04-24T22:28:49Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    name: 'Scanning bucket policies',
    tags: ['Custom_Alert', 'Insider'],
    url: 'https://lb00.us-east-1.macie.aws.amazon.com/111122223333/posts/alert_id',
    'alert-arn': 'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_',
    'risk-score': 80,
    trigger: {
      'rule-arn': 'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
      'alert-type': 'basic',
      'created-at': '2017-01-02 19:54:00.644000',
      description: 'Alerting on failed enumeration of large number of bucket policies',
      risk: 8,
    },
    'created-at': '2017-04-18T00:21:12.059000',
  },
};

const ec2Pending = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
};

/** The exists section's counter-example: `c-count` is an intermediate node, `state` is absent. */
const withoutState = {
  'detail-type': ['EC2 Instance State-change Notification'],
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
  detail: { 'c-count': { c1: 100 } },
};

const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const employees = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};

const ec2TerminationPattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

const resourcesPattern = {
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ],
};

const rulerNumericPattern = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};

const numericOrPattern = {
  detail: {
    $or: [
      { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      { 'd-count': [{ numeric: ['<', 10] }] },
      { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    ],
  },
};

const cloudTrailOrPattern = {
  'detail-type': ['AWS API Call via CloudTrail'],
  $or: [
    { source: ['aws.sqs'], detail: { eventName: ['CreateQueue', 'SetQueueAttributes'] } },
    { source: ['aws.kms'], detail: { eventName: ['CreateKey', 'DisableKeyRotation'] } },
  ],
};

const nestedOrPattern = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization', 'ReadLatency'] },
    {
      metricType: ['MetricType'],
      namespace: ['AWS/EC2', 'AWS/ES'],
      $or: [{ metricId: [1234] }, { spaceId: [1000] }],
    },
    { scope: ['Service'] },
  ],
};

const complexPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
    'source-ip': [{ cidr: '10.0.0.0/8' }],
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...rulerEvent, detail: { ...rulerEvent.detail, ...detail } });

const documentedCases: Row[] = [
  // Exact matching, nesting, and what the pattern leaves out.
  { source: source.patterns, name: 'EC2 termination pattern matches the documented event', pattern: ec2TerminationPattern, event: ec2Terminated, matches: true },
  { source: source.patterns, name: 'EC2 termination pattern refuses a running instance', pattern: ec2TerminationPattern, event: { ...ec2Terminated, detail: { ...ec2Terminated.detail, state: 'running' } }, matches: false },
  { source: source.syntax, name: 'a value array is a list of alternatives', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: { ...ec2Terminated, source: 'aws.fargate' }, matches: true },
  { source: source.syntax, name: 'strings match character by character, without case folding', pattern: { source: ['AWS.EC2'] }, event: ec2Terminated, matches: false },
  { source: source.syntax, name: 'a field named in the pattern must be present', pattern: { detail: { 'instance-type': ['t3.micro'] } }, event: ec2Terminated, matches: false },
  { source: source.patterns, name: 'numbers and nested objects (Macie risk score 80, trigger risk 8)', pattern: { source: ['aws.macie'], 'detail-type': ['Macie Alert'], detail: { 'risk-score': [80], trigger: { risk: [8] } } }, event: macieAlert, matches: true },
  { source: source.patterns, name: 'a nested number that differs does not match', pattern: { source: ['aws.macie'], detail: { trigger: { risk: [9] } } }, event: macieAlert, matches: false },
  { source: source.patterns, name: 'true matches only the JSON boolean, not the string', pattern: { detail: { flag: [true] } }, event: { detail: { flag: 'true' } }, matches: false },

  // Arrays.
  { source: source.arrays, name: 'an event array matches when it intersects the pattern array', pattern: resourcesPattern, event: { resources: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate', 'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] }, matches: true },
  { source: source.arrays, name: 'an event array with no common element does not match', pattern: resourcesPattern, event: { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }, matches: false },
  { source: source.arrays, name: 'a field array mixing values and filters matches when any one does', pattern: { detail: { state: ['running', { prefix: 'init' }] } }, event: { detail: { state: 'initializing' } }, matches: true },
  { source: source.arrays, name: 'a field array mixing values and filters fails when none does', pattern: { detail: { state: ['running', { prefix: 'init' }] } }, event: { detail: { state: 'stopped' } }, matches: false },

  // Null values and empty strings.
  { source: source.nulls, name: 'an empty string matches [""]', pattern: { detail: { eventVersion: [''] } }, event: autoScalingLaunch, matches: true },
  { source: source.nulls, name: 'a null value matches [null]', pattern: { detail: { responseElements: [null] } }, event: autoScalingLaunch, matches: true },
  { source: source.nulls, name: 'null is not an empty string', pattern: { detail: { responseElements: [''] } }, event: autoScalingLaunch, matches: false },
  { source: source.nulls, name: 'an empty string is not null', pattern: { detail: { eventVersion: [null] } }, event: autoScalingLaunch, matches: false },
  { source: source.nulls, name: 'an empty array holds no null to match', pattern: { resources: [null] }, event: autoScalingLaunch, matches: false },

  // prefix / suffix / equals-ignore-case.
  { source: source.operators, name: 'prefix matches the start of a string', pattern: { time: [{ prefix: '2017-10-02' }] }, event: { time: '2017-10-02T18:43:48Z' }, matches: true },
  { source: source.operators, name: 'prefix refuses another start', pattern: { time: [{ prefix: '2017-10-02' }] }, event: { time: '2017-10-03T18:43:48Z' }, matches: false },
  { source: source.operators, name: 'prefix with equals-ignore-case ignores the case', pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event: { detail: { service: 'EVENTBRIDGE' } }, matches: true },
  { source: source.operators, name: 'prefix with equals-ignore-case still needs the prefix', pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event: { detail: { service: 'SNS' } }, matches: false },
  { source: source.operators, name: 'suffix matches the end of a string', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.png' }, matches: true },
  { source: source.operators, name: 'suffix is case-sensitive', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.PNG' }, matches: false },
  { source: source.operators, name: 'suffix with equals-ignore-case ignores the case', pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, event: { detail: { FileName: 'IMAGE.PNG' } }, matches: true },
  { source: source.operators, name: 'suffix with equals-ignore-case still needs the suffix', pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, event: { detail: { FileName: 'image.jpg' } }, matches: false },
  { source: source.operators, name: 'equals-ignore-case matches another casing', pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, event: ec2Terminated, matches: true },
  { source: source.operators, name: 'equals-ignore-case is still whole-value equality', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'Alicia' }, matches: false },

  // anything-but.
  { source: source.operators, name: 'anything-but a string accepts another string', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, event: { detail: { state: 'running' } }, matches: true },
  { source: source.operators, name: 'anything-but a string refuses that string', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, event: { detail: { state: 'initializing' } }, matches: false },
  { source: source.operators, name: 'anything-but a number accepts another number', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: { detail: { 'x-limit': 456 } }, matches: true },
  { source: source.operators, name: 'anything-but a number refuses that number', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: { detail: { 'x-limit': 123 } }, matches: false },
  { source: source.operators, name: 'anything-but a list of strings refuses each of them', pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, event: { detail: { state: 'overloaded' } }, matches: false },
  { source: source.operators, name: 'anything-but a list of strings accepts the rest', pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, event: { detail: { state: 'running' } }, matches: true },
  { source: source.operators, name: 'anything-but a list of numbers refuses each of them', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event: { detail: { 'x-limit': 200 } }, matches: false },
  { source: source.operators, name: 'anything-but a list of numbers accepts the rest', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event: { detail: { 'x-limit': 150 } }, matches: true },
  { source: source.operators, name: 'anything-but prefix refuses that prefix', pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event: { detail: { state: 'initializing' } }, matches: false },
  { source: source.operators, name: 'anything-but prefix: Region is not in the US', pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] }, event: { Region: 'eu-west-1' }, matches: true },
  { source: source.operators, name: 'anything-but suffix refuses that suffix', pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, event: { detail: { FileName: 'notes.txt' } }, matches: false },
  { source: source.operators, name: 'anything-but suffix accepts another ending', pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, event: { detail: { FileName: 'file.txt.bak' } }, matches: true },
  { source: source.operators, name: 'anything-but equals-ignore-case refuses any casing', pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } }, event: { detail: { state: 'INITIALIZING' } }, matches: false },
  { source: source.operators, name: 'anything-but equals-ignore-case accepts another value', pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } }, event: { detail: { state: 'running' } }, matches: true },
  { source: source.operators, name: 'anything-but equals-ignore-case takes a list', pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } }, event: { detail: { state: 'Stopped' } }, matches: false },
  { source: source.operators, name: 'anything-but wildcard refuses a path through /lib/', pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, event: { FilePath: '/usr/lib/libc.so' }, matches: false },
  { source: source.operators, name: 'anything-but wildcard accepts another path', pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, event: { FilePath: '/usr/bin/ls' }, matches: true },

  // numeric.
  { source: source.operators, name: 'numeric range, upper bound and equality all hold', pattern: rulerNumericPattern, event: rulerEvent, matches: true },
  { source: source.operators, name: 'numeric ">" excludes its bound', pattern: rulerNumericPattern, event: withDetail({ 'c-count': 0 }), matches: false },
  { source: source.operators, name: 'numeric "=" compares numbers, not text (3.018e2 is 301.8)', pattern: { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, event: { detail: { 'x-limit': 301.8 } }, matches: true },
  { source: source.operators, name: 'numeric "=": Price is 100', pattern: { Price: [{ numeric: ['=', 100] }] }, event: { Price: 100 }, matches: true },
  { source: source.operators, name: 'numeric range includes its "<=" bound', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 20 }, matches: true },
  { source: source.operators, name: 'numeric range excludes its ">" bound', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 10 }, matches: false },
  { source: source.operators, name: 'numeric matches JSON numbers only, not numeric strings', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: '15' }, matches: false },
  { source: source.eventRuler, name: 'a number in the pattern matches the same number however written (300 and 3.0e2)', pattern: { detail: { limit: [300] } }, event: JSON.parse('{"detail": {"limit": 3.0e2}}'), matches: true },

  // cidr.
  { source: source.operators, name: 'cidr matches an IPv4 address in the block', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, event: { detail: { sourceIPAddress: '10.0.0.255' } }, matches: true },
  { source: source.operators, name: 'cidr refuses an IPv4 address outside the block', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, event: { detail: { sourceIPAddress: '10.0.1.1' } }, matches: false },
  { source: source.operators, name: 'cidr matches an IPv6 address in the block', pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, event: { detail: { sourceIPAddress: '2001:0db8:1234:1a00:0000:0000:0000:0001' } }, matches: true },
  { source: source.operators, name: 'cidr refuses an IPv6 address outside the block', pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, event: { detail: { sourceIPAddress: '2001:db8:1234:1b00::1' } }, matches: false },

  // exists.
  { source: source.operators, name: 'exists true matches the documented event with detail.state', pattern: { detail: { state: [{ exists: true }] } }, event: ec2Pending, matches: true },
  { source: source.operators, name: 'exists true refuses the documented event without detail.state', pattern: { detail: { state: [{ exists: true }] } }, event: withoutState, matches: false },
  { source: source.operators, name: 'exists true holds for an array of leaf values', pattern: { detail: { state: [{ exists: true }] } }, event: { detail: { state: ['initializing', 'running'] } }, matches: true },
  { source: source.operators, name: 'exists false matches when the field is missing', pattern: { detail: { state: [{ exists: false }] } }, event: withoutState, matches: true },
  { source: source.operators, name: 'exists false refuses when the field is present', pattern: { detail: { state: [{ exists: false }] } }, event: ec2Pending, matches: false },
  { source: source.eventRuler, name: 'exists works on leaves only: an object-valued field counts as absent', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: withoutState, matches: true },

  // wildcard.
  { source: source.operators, name: 'wildcard: a .png file in the folder dir', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/image.png' }, matches: true },
  { source: source.operators, name: 'wildcard: a file outside dir does not match', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'other/image.png' }, matches: false },
  { source: source.operators, name: 'wildcard with several stars across an ARN', pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }, matches: true },
  { source: source.operators, name: 'wildcard refuses another Region', pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, event: { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' }, matches: false },
  { source: source.operators, name: 'wildcard: \\* is a literal asterisk', pattern: { detail: { name: [{ wildcard: 'file\\*.txt' }] } }, event: { detail: { name: 'file*.txt' } }, matches: true },
  { source: source.operators, name: 'wildcard: an escaped asterisk matches nothing else', pattern: { detail: { name: [{ wildcard: 'file\\*.txt' }] } }, event: { detail: { name: 'fileA.txt' } }, matches: false },
  { source: source.operators, name: 'wildcard: \\\\ is a literal backslash', pattern: { detail: { path: [{ wildcard: 'C:\\\\*' }] } }, event: { detail: { path: 'C:\\temp' } }, matches: true },
  { source: source.wildcardBlog, name: 'wildcard: * also matches zero characters', pattern: { key: [{ wildcard: '*.png' }] }, event: { key: '.png' }, matches: true },

  // $or.
  { source: source.operators, name: '$or across fields: Location is New York, or Day is Monday', pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event: { Location: 'Boston', Day: 'Monday' }, matches: true },
  { source: source.operators, name: '$or fails when no branch holds', pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event: { Location: 'Boston', Day: 'Tuesday' }, matches: false },
  { source: source.operators, name: '$or under detail: one numeric branch is enough', pattern: numericOrPattern, event: { detail: { 'c-count': 0, 'd-count': 0, 'x-limit': 9.018e2 } }, matches: true },
  { source: source.operators, name: '$or under detail: no numeric branch holds', pattern: numericOrPattern, event: { detail: { 'c-count': 6, 'd-count': 10, 'x-limit': 1 } }, matches: false },
  { source: source.bestPractices, name: '$or combining source and detail fields (KMS CreateKey)', pattern: cloudTrailOrPattern, event: { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.kms', detail: { eventName: 'CreateKey' } }, matches: true },
  { source: source.bestPractices, name: '$or keeps each branch whole (SQS does not send CreateKey)', pattern: cloudTrailOrPattern, event: { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.sqs', detail: { eventName: 'CreateKey' } }, matches: false },
  { source: source.eventRuler, name: 'nested $or inside an $or branch', pattern: nestedOrPattern, event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }, matches: true },
  { source: source.eventRuler, name: 'nested $or: the inner alternatives still have to hold', pattern: nestedOrPattern, event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 2000 }, matches: false },

  // Several filters together.
  { source: source.operators, name: 'complex example: prefix, anything-but, numeric and cidr together', pattern: complexPattern, event: rulerEvent, matches: true },
  { source: source.operators, name: 'complex example fails on one excluded value', pattern: complexPattern, event: withDetail({ 'x-limit': 300 }), matches: false },
  { source: source.operators, name: 'a key given twice: only the last one counts (matches)', pattern: '{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}', event: { detail: { location: 'eu-west' } }, matches: true },
  { source: source.operators, name: 'a key given twice: only the last one counts (refuses)', pattern: '{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}', event: { detail: { location: 'us-east' } }, matches: false },

  // Arrays of objects are matched element by element.
  { source: source.eventRuler, name: 'a field inside an array of objects', pattern: { employees: { firstName: ['Anna'] } }, event: employees, matches: true },
  { source: source.eventRuler, name: 'two fields must come from the same array element', pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event: employees, matches: false },
  { source: source.eventRuler, name: 'two fields from the same array element match', pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event: employees, matches: true },
  { source: source.eventRuler, name: 'arrays of arrays are crushed into one list of candidates', pattern: { employees: { firstName: ['Peter'] } }, event: { employees: [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]] }, matches: true },
];

/** Behaviour the documentation leaves implicit, as Event Ruler (and TestEventPattern on AWS) answers it. */
const engineBehaviour: Row[] = [
  { source: source.eventRuler, name: 'anything-but accepts a null value', pattern: { detail: { command: [{ 'anything-but': ['no-message'] }] } }, event: { detail: { command: null } }, matches: true },
  { source: source.eventRuler, name: 'anything-but needs the field to be present', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, event: { detail: {} }, matches: false },
  { source: source.eventRuler, name: 'anything-but prefix accepts a number', pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event: { detail: { state: 5 } }, matches: true },
  { source: source.eventRuler, name: 'anything-but holds when any array element is not excluded', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, event: { detail: { state: ['initializing', 'running'] } }, matches: true },
  { source: source.eventRuler, name: 'exists true holds for a null value, which is a leaf', pattern: { detail: { responseElements: [{ exists: true }] } }, event: autoScalingLaunch, matches: true },
  { source: source.eventRuler, name: 'exists true does not hold for an object', pattern: { dynamodb: { presentKey: [{ exists: true }] } }, event: { dynamodb: { presentKey: { S: 'test123' } } }, matches: false },
  { source: source.eventRuler, name: 'exists false holds for an empty array', pattern: { resources: [{ exists: false }] }, event: autoScalingLaunch, matches: true },
  { source: source.eventRuler, name: 'exists false combined with a value: the missing field matches', pattern: { dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } }, event: { dynamodb: { NewImage: { purchased: { N: '789' } } } }, matches: true },
  { source: source.eventRuler, name: 'exists false inside an array looks at the matched element only', pattern: { employees: { firstName: ['Anna'], middleName: [{ exists: false }] } }, event: { employees: [{ firstName: 'Anna' }, { firstName: 'Bob', middleName: 'X' }] }, matches: true },
  { source: source.eventRuler, name: 'prefix never matches a number', pattern: { code: [{ prefix: '5' }] }, event: { code: 500 }, matches: false },
  { source: source.eventRuler, name: 'a pattern string never matches a number', pattern: { code: ['500'] }, event: { code: 500 }, matches: false },
  { source: source.eventRuler, name: 'cidr does not cross address families', pattern: { ip: [{ cidr: '10.0.0.0/8' }] }, event: { ip: '::ffff:a00:1' }, matches: false },
  { source: source.eventRuler, name: 'field names are case-sensitive', pattern: { Source: ['aws.ec2'] }, event: ec2Terminated, matches: false },
  { source: source.eventRuler, name: 'a JSON string holding an object is not parsed', pattern: { detail: { 'my-key': ['my-value'] } }, event: { detail: '{"my-key": "my-value"}' }, matches: false },
];

describe('matchesPattern — cases from the EventBridge documentation', () => {
  it('covers at least 40 documented rows, both matching and not', () => {
    expect(documentedCases.length).toBeGreaterThanOrEqual(40);
    expect(documentedCases.some((row) => row.matches)).toBe(true);
    expect(documentedCases.some((row) => !row.matches)).toBe(true);
  });

  it.each(documentedCases)('[$source] $name', ({ pattern, event, matches }) => {
    validatePattern(pattern);
    expect(matchesPattern(pattern, event)).toBe(matches);
  });
});

describe('matchesPattern — engine behaviour the documentation leaves implicit', () => {
  it.each(engineBehaviour)('[$source] $name', ({ pattern, event, matches }) => {
    expect(matchesPattern(pattern, event)).toBe(matches);
  });
});

describe('matchesPattern — odd events', () => {
  const pattern = { source: ['aws.ec2'], detail: { state: [{ exists: false }] } };
  const absentOnly = { detail: { state: [{ exists: false }] } };

  it.each([
    ['null', null],
    ['a string', 'aws.ec2'],
    ['an array', [{ source: 'aws.ec2' }]],
    ['a number', 42],
    ['undefined', undefined],
  ])('treats %s as an event with no fields', (_label, event) => {
    expect(matchesPattern(pattern, event)).toBe(false);
    expect(matchesPattern(absentOnly, event)).toBe(true);
  });

  it('reads through deeply nested arrays without failing', () => {
    let nested: unknown = 'running';
    for (let depth = 0; depth < 20; depth += 1) nested = [nested];
    expect(matchesPattern({ detail: { state: ['running'] } }, { detail: { state: nested } })).toBe(true);
  });

  it('ignores values that JSON cannot hold', () => {
    const event = { detail: { state: undefined, handler: () => 'running' } };
    expect(matchesPattern({ detail: { state: [{ exists: false }], handler: [{ exists: false }] } }, event)).toBe(true);
  });

  it('gives the same answer when a compiled pattern is reused', () => {
    const reused = { detail: { state: [{ wildcard: 'run*' }] } };
    const answers = ['running', 'stopped', 'run', 'running'].map((state) => matchesPattern(reused, { detail: { state } }));
    expect(answers).toEqual([true, false, true, true]);
  });
});

interface Rejection {
  readonly name: string;
  readonly pattern: unknown;
  readonly where: string;
  readonly message: RegExp;
}

const rejections: Rejection[] = [
  { name: 'pattern is not an object', pattern: ['aws.ec2'], where: '', message: /must be a JSON object/ },
  { name: 'pattern text is not JSON', pattern: "{'bad': 'quotation'}", where: '', message: /not valid JSON/ },
  { name: 'leaf is a bare string', pattern: { source: 'aws.ec2' }, where: 'source', message: /must be an array of values to match/ },
  { name: 'leaf is a bare number', pattern: { detail: { count: 42 } }, where: 'detail.count', message: /must be an array of values to match/ },
  { name: 'empty value array', pattern: { resources: [] }, where: 'resources', message: /empty arrays are not allowed/ },
  { name: 'empty nested object', pattern: { detail: {} }, where: 'detail', message: /empty objects are not allowed/ },
  { name: 'array inside a value array', pattern: { detail: { state: [['running']] } }, where: 'detail.state', message: /value to match must be a string, number, true, false, null/ },
  { name: 'unknown operator', pattern: { detail: { state: [{ contains: 'run' }] } }, where: 'detail.state', message: /unknown operator "contains"/ },
  { name: 'operators are case-sensitive', pattern: { my_key: [{ EXISTS: true }] }, where: 'my_key', message: /unknown operator "EXISTS"/ },
  { name: 'two operators in one expression', pattern: { FileName: [{ prefix: 'a', suffix: 'b' }] }, where: 'FileName', message: /exactly one operator/ },
  { name: 'empty match expression', pattern: { FileName: [{}] }, where: 'FileName', message: /empty object; name one operator/ },
  { name: 'prefix is not a string', pattern: { time: [{ prefix: 123 }] }, where: 'time', message: /prefix must be a string/ },
  { name: 'prefix holds an unsupported nested operator', pattern: { time: [{ prefix: { wildcard: '2017*' } }] }, where: 'time', message: /only a nested "equals-ignore-case"/ },
  { name: 'suffix equals-ignore-case is not a string', pattern: { FileName: [{ suffix: { 'equals-ignore-case': ['.png'] } }] }, where: 'FileName', message: /suffix equals-ignore-case must be a string/ },
  { name: 'equals-ignore-case given a list', pattern: { 'detail-type': [{ 'equals-ignore-case': ['ec2 instance state-change notification'] }] }, where: 'detail-type', message: /equals-ignore-case must be a string/ },
  { name: 'wildcard with consecutive stars', pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] }, where: 'EventBusArn', message: /consecutive wildcard characters at position 26/ },
  { name: 'wildcard with an unknown escape', pattern: { key: [{ wildcard: 'dir\\a*' }] }, where: 'key', message: /invalid escape at position 4/ },
  { name: 'wildcard is not a string', pattern: { EventBusArn: [{ wildcard: 123 }] }, where: 'EventBusArn', message: /wildcard must be a string/ },
  { name: 'anything-but list mixes strings and numbers', pattern: { detail: { state: [{ 'anything-but': ['stopped', 100] }] } }, where: 'detail.state', message: /only strings or only numbers/ },
  { name: 'anything-but list holds a filter', pattern: { detail: { state: [{ 'anything-but': [{ prefix: 'abc-' }, { prefix: 'xyz-' }] }] } }, where: 'detail.state', message: /only strings or only numbers/ },
  { name: 'anything-but is null', pattern: { detail: { state: [{ 'anything-but': null }] } }, where: 'detail.state', message: /anything-but takes a string, a number, a list/ },
  { name: 'anything-but empty list', pattern: { detail: { state: [{ 'anything-but': [] }] } }, where: 'detail.state', message: /anything-but must not be an empty list/ },
  { name: 'anything-but holds an unsupported operator', pattern: { detail: { count: [{ 'anything-but': { numeric: ['>', 5] } }] } }, where: 'detail.count', message: /anything-but cannot hold "numeric"/ },
  { name: 'anything-but prefix with equals-ignore-case', pattern: { detail: { FileName: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] } }, where: 'detail.FileName', message: /anything-but prefix takes a string or a list of strings/ },
  { name: 'anything-but suffix is empty', pattern: { detail: { FileName: [{ 'anything-but': { suffix: '' } }] } }, where: 'detail.FileName', message: /anything-but suffix must not be empty/ },
  { name: 'anything-but equals-ignore-case given a number', pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 123 } }] } }, where: 'detail.state', message: /anything-but equals-ignore-case takes a string or a list of strings/ },
  { name: 'anything-but wildcard with consecutive stars', pattern: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', 'a**'] } }] }, where: 'FilePath', message: /consecutive wildcard characters at position 2/ },
  { name: 'numeric is not an array', pattern: { detail: { 'c-count': [{ numeric: 5 }] } }, where: 'detail.c-count', message: /numeric must be an array/ },
  { name: 'numeric operator is unknown', pattern: { detail: { 'c-count': [{ numeric: ['!=', 5] }] } }, where: 'detail.c-count', message: /numeric operator "!=" is not one of/ },
  { name: 'numeric range uses ">" twice', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '>', 0] }] } }, where: 'detail.c-count', message: /upper bound must use "<" or "<="/ },
  { name: 'numeric range misses its upper value', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<'] }] } }, where: 'detail.c-count', message: /numeric "<" needs a number after it/ },
  { name: 'numeric range starts with its upper bound', pattern: { detail: { 'c-count': [{ numeric: ['<', 10, '>', 0] }] } }, where: 'detail.c-count', message: /numeric "<" takes exactly one number/ },
  { name: 'numeric bounds are reversed', pattern: { detail: { 'c-count': [{ numeric: ['>', 10, '<', 5] }] } }, where: 'detail.c-count', message: /lower bound 10 must be less than upper bound 5/ },
  { name: 'numeric value is a string', pattern: { detail: { 'c-count': [{ numeric: ['>', '5'] }] } }, where: 'detail.c-count', message: /numeric ">" operand must be a number/ },
  { name: 'numeric value is outside ±5.0e9', pattern: { detail: { 'c-count': [{ numeric: ['<', 6e9] }] } }, where: 'detail.c-count', message: /outside the supported range/ },
  { name: 'numeric value has more than six decimals', pattern: { detail: { 'c-count': [{ numeric: ['<', 0.0000001] }] } }, where: 'detail.c-count', message: /more than six digits after the decimal point/ },
  { name: 'exists is not a boolean', pattern: { detail: { state: [{ exists: 'yes' }] } }, where: 'detail.state', message: /exists must be true or false/ },
  { name: 'cidr without a prefix length', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0' }] } }, where: 'detail.sourceIPAddress', message: /must be an address and a prefix length/ },
  { name: 'cidr with a non-integer prefix length', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/x' }] } }, where: 'detail.sourceIPAddress', message: /prefix length that is not an integer/ },
  { name: 'cidr with a bad address', pattern: { detail: { sourceIPAddress: [{ cidr: 'xx.11.xx/24' }] } }, where: 'detail.sourceIPAddress', message: /"xx.11.xx" is not an IPv4 or IPv6 address/ },
  { name: 'cidr with a full-length IPv4 prefix', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.1/32' }] } }, where: 'detail.sourceIPAddress', message: /IPv4 prefix length must be below 32/ },
  { name: 'cidr is not a string', pattern: { detail: { sourceIPAddress: [{ cidr: ['10.0.0.0/24'] }] } }, where: 'detail.sourceIPAddress', message: /cidr must be a string/ },
  { name: '$or is an object', pattern: { source: ['aws.cloudwatch'], $or: { metricType: ['MetricType'] } }, where: '$or', message: /\$or must be an array of at least two objects/ },
  { name: '$or has one branch', pattern: { $or: [{ Location: ['New York'] }] }, where: '$or', message: /\$or must be an array of at least two objects, got 1 item/ },
  { name: '$or holds a non-object', pattern: { detail: { $or: [{ a: ['x'] }, 'b'] } }, where: 'detail.$or[1]', message: /\$or may hold only objects/ },
  { name: '$or branch uses an operator name as a field', pattern: { $or: [{ numeric: [123] }, { prefix: ['abc'] }] }, where: '$or[0].numeric', message: /operator name and cannot be used as a field name inside \$or/ },
  { name: 'error inside an $or branch names the branch', pattern: { detail: { $or: [{ a: ['x'] }, { b: [{ prefix: 1 }] }] } }, where: 'detail.$or[1].b', message: /prefix must be a string/ },
];

describe('validatePattern', () => {
  it('accepts every documented pattern', () => {
    for (const row of [...documentedCases, ...engineBehaviour]) expect(() => validatePattern(row.pattern)).not.toThrow();
  });

  it.each(rejections)('rejects: $name', ({ pattern, where, message }) => {
    let thrown: unknown;
    try {
      validatePattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidEventPattern);
    const text = (thrown as InvalidEventPattern).message;
    expect(text).toMatch(message);
    expect(text).toContain(where === '' ? 'Invalid event pattern: ' : `Invalid event pattern at "${where}": `);
    expect(text).not.toContain('\n');
  });

  it('raises a named OpsflowError that Step Functions can route', () => {
    const thrown = (() => {
      try {
        validatePattern({ source: 'aws.ec2' });
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(OpsflowError);
    expect((thrown as Error).name).toBe('InvalidEventPattern');
  });

  it('makes matchesPattern refuse an invalid pattern rather than answer', () => {
    expect(() => matchesPattern({ detail: { state: [{ numeric: ['>', 0, '>', 5] }] } }, rulerEvent)).toThrow(InvalidEventPattern);
  });

  it('refuses an $or that expands past 1000 combinations', () => {
    const branches = Array.from({ length: 11 }, (_unused, index) => ({ [`field${index}`]: ['x'] }));
    const pattern = { a: { $or: branches }, b: { $or: branches }, c: { $or: branches } };
    expect(() => validatePattern(pattern)).toThrow(/more than 1000 combinations/);
  });
});
