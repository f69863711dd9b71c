import fc from 'fast-check';
import { CompiledPattern, InvalidEventPatternError, compilePattern, matches, matchesPattern } from './index';

type MatchCase = [name: string, pattern: object | string, event: object, expected: boolean];

// ---------------------------------------------------------------------------------------------
// Examples from AWS's documentation (exact patterns and events as printed on the cited page)
// ---------------------------------------------------------------------------------------------

const ec2Event = {
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

const autoscalingEvent = {
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

// The sample event of aws/event-ruler's README ("Ruler by Example"), used with the docs' patterns below.
const rulerExampleEvent = {
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

const docsCases: MatchCase[] = [
  // "Creating Amazon EventBridge event patterns" (eb-event-patterns): the EC2 termination pattern
  // selects the EC2 event shown on the page.
  [
    'docs: EC2 instance-termination pattern',
    { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } },
    ec2Event,
    true,
  ],
  // "Creating Amazon EventBridge event patterns": match values — source is aws.ec2 or aws.fargate.
  ['docs: match values, either source', { source: ['aws.ec2', 'aws.fargate'] }, ec2Event, true],
  // "Creating Amazon EventBridge event patterns" (Field matching): responseElements null.
  [
    'docs: field matching on null responseElements',
    { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance Launch Successful'], detail: { responseElements: [null] } },
    autoscalingEvent,
    true,
  ],
  // "Creating Amazon EventBridge event patterns" (Value matching): Macie alert, trimmed to the
  // well-formed fields of the (truncated) event on the page.
  [
    'docs: value matching on risk-score and trigger.risk',
    { source: ['aws.macie'], 'detail-type': ['Macie Alert'], detail: { 'risk-score': [80], trigger: { risk: [8] } } },
    {
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
        'risk-score': 80,
        trigger: { 'alert-type': 'basic', 'created-at': '2017-01-02 19:54:00.644000', risk: 8 },
      },
    },
    true,
  ],
  // "Matching null values and empty strings in Amazon EventBridge event patterns"
  ['docs: empty string eventVersion', { detail: { eventVersion: [''] } }, autoscalingEvent, true],
  // "Matching null values and empty strings in Amazon EventBridge event patterns"
  ['docs: null responseElements', { detail: { responseElements: [null] } }, autoscalingEvent, true],
  // "Matching null values and empty strings in Amazon EventBridge event patterns": "Null values and
  // empty strings are not interchangeable in pattern matching."
  ['docs: "" does not match null', { detail: { responseElements: [''] } }, autoscalingEvent, false],
  ['docs: null does not match ""', { detail: { eventVersion: [null] } }, autoscalingEvent, false],
  // "Arrays in Amazon EventBridge event patterns": the first pattern value matches the second event value.
  [
    'docs: arrays — intersection of pattern and event arrays',
    {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    true,
  ],
  // "Content filtering in Amazon EventBridge event patterns" (Prefix matching)
  ['docs: prefix on time', { time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' }, true],
  // "Content filtering in Amazon EventBridge event patterns" (Prefix matching while ignoring case):
  // matches EventB, EVENTB, eventb or any other casing.
  ...(['EventBridge', 'EVENTBRIDGE', 'eventbridge', 'eVeNtB'] as const).map(
    (service): MatchCase => [
      `docs: prefix equals-ignore-case EventB vs ${service}`,
      { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      { detail: { service } },
      true,
    ],
  ),
  // "Content filtering in Amazon EventBridge event patterns" (Suffix matching)
  ['docs: suffix .png', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
  // "Content filtering in Amazon EventBridge event patterns" (Suffix matching while ignoring case)
  [
    'docs: suffix equals-ignore-case .png vs .PNG',
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    { detail: { FileName: 'IMAGE.PNG' } },
    true,
  ],
  // "Content filtering in Amazon EventBridge event patterns" (Anything-but matching)
  ['docs: anything-but string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: 'running' } }, true],
  ['docs: anything-but string excluded', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: 'initializing' } }, false],
  ['docs: anything-but number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 124 } }, true],
  ['docs: anything-but number excluded', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 123 } }, false],
  [
    'docs: anything-but list of strings',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    { detail: { state: 'running' } },
    true,
  ],
  [
    'docs: anything-but list of strings excluded',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    { detail: { state: 'overloaded' } },
    false,
  ],
  [
    'docs: anything-but list of numbers',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    { detail: { 'x-limit': 301.8 } },
    true,
  ],
  [
    'docs: anything-but list of numbers excluded',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    { detail: { 'x-limit': 200 } },
    false,
  ],
  [
    'docs: anything-but prefix init',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    { detail: { state: 'running' } },
    true,
  ],
  [
    'docs: anything-but prefix init excluded',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    { detail: { state: 'initializing' } },
    false,
  ],
  // "Content filtering in Amazon EventBridge event patterns" (Numeric matching), against Ruler's example event.
  [
    'docs: numeric c-count/d-count/x-limit',
    { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
    rulerExampleEvent,
    true,
  ],
  // "Content filtering in Amazon EventBridge event patterns" (IP address matching): 10.0.0.0 to 10.0.0.255.
  ['docs: cidr 10.0.0.0/24 low end', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, { detail: { sourceIPAddress: '10.0.0.0' } }, true],
  ['docs: cidr 10.0.0.0/24 high end', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, { detail: { sourceIPAddress: '10.0.0.255' } }, true],
  ['docs: cidr 10.0.0.0/24 outside', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, { detail: { sourceIPAddress: '10.0.1.0' } }, false],
  // "Content filtering in Amazon EventBridge event patterns" (Exists matching): matches the event shown.
  [
    'docs: exists true matches event with detail.state',
    { detail: { state: [{ exists: true }] } },
    {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2015-11-11T21:29:54Z',
      region: 'us-east-1',
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
      detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
    },
    true,
  ],
  // "Content filtering in Amazon EventBridge event patterns" (Exists matching): "does NOT match the
  // following event because it doesn't have a detail.state field".
  [
    'docs: exists true does not match event without detail.state',
    { detail: { state: [{ exists: true }] } },
    {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { 'c-count': { c1: 100 } },
    },
    false,
  ],
  // "Content filtering in Amazon EventBridge event patterns" (Exists matching): exists false matches
  // an event without detail.c-count ...
  [
    'docs: exists false, field absent',
    { detail: { 'c-count': [{ exists: false }] } },
    {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { state: ['initializing', 'running'] },
    },
    true,
  ],
  // ... "also matches the following event because c-count isn't a leaf node" (the page's event misses
  // a comma after the state array; otherwise as printed).
  [
    'docs: exists false, field is not a leaf',
    { detail: { 'c-count': [{ exists: false }] } },
    {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } },
    },
    true,
  ],
  // "Content filtering in Amazon EventBridge event patterns" (Complex example with multiple matching),
  // against Ruler's example event.
  [
    'docs: complex example',
    {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    },
    rulerExampleEvent,
    true,
  ],
  // "Content filtering in Amazon EventBridge event patterns" (note): when a key is included more than
  // once, the last reference is the one used — only anything-but "us-east" counts.
  [
    'docs: duplicate key, last one wins (matching)',
    '{ "detail": { "location": [ { "prefix": "us-" } ], "location": [ { "anything-but": "us-east" } ] } }',
    { detail: { location: 'eu-west' } },
    true,
  ],
  [
    'docs: duplicate key, last one wins (excluded)',
    '{ "detail": { "location": [ { "prefix": "us-" } ], "location": [ { "anything-but": "us-east" } ] } }',
    { detail: { location: 'us-east' } },
    false,
  ],
  // "Comparison operators for use in event patterns in Amazon EventBridge": one row each (the page
  // gives rule syntax only; the events are ours).
  ['docs table: And', { Location: ['New York'], Day: ['Monday'] }, { Location: 'New York', Day: 'Monday' }, true],
  ['docs table: And, one field differs', { Location: ['New York'], Day: ['Monday'] }, { Location: 'New York', Day: 'Tuesday' }, false],
  ['docs table: Anything-but', { state: [{ 'anything-but': 'initializing' }] }, { state: 'running' }, true],
  ['docs table: Anything-but (begins with)', { Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'eu-west-1' }, true],
  ['docs table: Anything-but (begins with) excluded', { Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'us-east-1' }, false],
  ['docs table: Anything-but (ends with)', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.jpg' }, true],
  ['docs table: Anything-but (ends with) excluded', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.png' }, false],
  // (the page's rule syntax has a stray ":" and "}"; the pattern is the intended one)
  ['docs table: Anything-but (ignore case) excluded', { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'INITIALIZING' }, false],
  ['docs table: Anything-but (ignore case)', { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'running' }, true],
  ['docs table: Anything-but using a wildcard', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/bin/tool' }, true],
  ['docs table: Anything-but using a wildcard excluded', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/lib/tool' }, false],
  ['docs table: Begins with', { Region: [{ prefix: 'us-' }] }, { Region: 'us-east-1' }, true],
  ['docs table: Begins with (ignore case)', { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] }, { service: 'EventBridge' }, true],
  ['docs table: Empty', { LastName: [''] }, { LastName: '' }, true],
  ['docs table: Equals', { Name: ['Alice'] }, { Name: 'Alice' }, true],
  ['docs table: Equals (ignore case)', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' }, true],
  ['docs table: Ends with', { FileName: [{ suffix: '.png' }] }, { FileName: 'photo.png' }, true],
];

// ---------------------------------------------------------------------------------------------
// Every operator, matching and not matching
// ---------------------------------------------------------------------------------------------

const exactCases: MatchCase[] = [
  ['string exact', { a: ['x'] }, { a: 'x' }, true],
  ['string exact is case-sensitive', { a: ['x'] }, { a: 'X' }, false],
  ['OR within the array', { a: ['x', 'y'] }, { a: 'y' }, true],
  ['OR within the array, none', { a: ['x', 'y'] }, { a: 'z' }, false],
  ['AND across fields', { a: ['x'], b: ['y'] }, { a: 'x', b: 'y' }, true],
  ['AND across fields, one missing', { a: ['x'], b: ['y'] }, { a: 'x' }, false],
  ['absent field never matches a value', { a: ['x'] }, { b: 'x' }, false],
  ['other event fields are ignored', { a: ['x'] }, { a: 'x', b: 1, c: { d: [] } }, true],
  ['nested objects', { detail: { a: { b: ['x'] } } }, { detail: { a: { b: 'x' } } }, true],
  ['nested objects, wrong nesting', { detail: { a: { b: ['x'] } } }, { detail: { b: 'x' } }, false],
  ['nested pattern vs leaf event value', { a: { b: ['x'] } }, { a: 'x' }, false],
  ['leaf pattern vs object event value', { a: ['x'] }, { a: { b: 'x' } }, false],
  ['number exact', { n: [5] }, { n: 5 }, true],
  ['number 5 matches 5.0 (numeric equality)', '{"n": [5]}', { n: 5.0 }, true],
  ['number 3.0e2 matches 300', '{"n": [3.0e2]}', { n: 300 }, true],
  ['number does not match its string', { n: [5] }, { n: '5' }, false],
  ['string does not match the number', { n: ['5'] }, { n: 5 }, false],
  ['number exact, different', { n: [5] }, { n: 6 }, false],
  ['negative and fractional numbers', { n: [-1.5] }, { n: -1.5 }, true],
  ['numbers equal to six decimals are equal', { n: [1.0000001] }, { n: 1.0000002 }, true],
  ['large number beyond ±5e9 matches itself', { account: [123456789012] }, { account: 123456789012 }, true],
  ['large number beyond ±5e9, different', { account: [123456789012] }, { account: 123456789013 }, false],
  ['true', { b: [true] }, { b: true }, true],
  ['true vs false', { b: [true] }, { b: false }, false],
  ['true does not match "true"', { b: [true] }, { b: 'true' }, false],
  ['false', { b: [false] }, { b: false }, true],
  ['null', { v: [null] }, { v: null }, true],
  ['null does not match an absent field', { v: [null] }, {}, false],
  ['null does not match "null"', { v: [null] }, { v: 'null' }, false],
  ['mixed-type value list', { v: ['a', 1, true, null] }, { v: true }, true],
  ['event array: any element matches', { tags: ['b'] }, { tags: ['a', 'b', 'c'] }, true],
  ['event array: no element matches', { tags: ['z'] }, { tags: ['a', 'b', 'c'] }, false],
  ['event nested arrays are flattened', { tags: [3] }, { tags: [[1, 2], [3]] }, true],
  ['empty event array matches no value', { tags: ['a'] }, { tags: [] }, false],
  ['event array of objects: one element matches the object pattern', { employees: { firstName: ['Anna'] } }, { employees: [{ firstName: 'John' }, { firstName: 'Anna' }] }, true],
  [
    'array consistency: fields from different elements do not combine',
    { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    { employees: [{ firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] },
    false,
  ],
  [
    'array consistency: both fields in the same element',
    { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
    { employees: [{ firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] },
    true,
  ],
  [
    'array consistency across nested arrays',
    { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    { employees: [[{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }], [{ firstName: 'Peter', lastName: 'Jones' }]] },
    false,
  ],
  ['keys are own properties only', { constructor: [{ exists: true }] }, {}, false],
  ['IP literal values compare as addresses (IPv6 spellings)', { ip: ['2001:db8::1'] }, { ip: '2001:DB8:0:0:0:0:0:1' }, true],
  ['IP literal values compare as addresses (IPv4-mapped)', { ip: ['10.0.0.1'] }, { ip: '::ffff:a00:1' }, true],
  ['IP literal value, different address', { ip: ['10.0.0.1'] }, { ip: '10.0.0.2' }, false],
];

const prefixSuffixCases: MatchCase[] = [
  ['prefix', { s: [{ prefix: 'ab' }] }, { s: 'abc' }, true],
  ['prefix equal to the whole value', { s: [{ prefix: 'abc' }] }, { s: 'abc' }, true],
  ['prefix no match', { s: [{ prefix: 'b' }] }, { s: 'abc' }, false],
  ['prefix is case-sensitive', { s: [{ prefix: 'AB' }] }, { s: 'abc' }, false],
  ['prefix never matches numbers', { s: [{ prefix: '1' }] }, { s: 123 }, false],
  ['empty prefix matches any string', { s: [{ prefix: '' }] }, { s: '' }, true],
  ['empty prefix does not match null', { s: [{ prefix: '' }] }, { s: null }, false],
  ['prefix on an event array', { s: [{ prefix: 'x' }] }, { s: ['ab', 'xy'] }, true],
  ['prefix equals-ignore-case', { s: [{ prefix: { 'equals-ignore-case': 'AB' } }] }, { s: 'abc' }, true],
  ['prefix equals-ignore-case no match', { s: [{ prefix: { 'equals-ignore-case': 'AB' } }] }, { s: 'xab' }, false],
  ['suffix', { s: [{ suffix: 'bc' }] }, { s: 'abc' }, true],
  ['suffix no match', { s: [{ suffix: 'ab' }] }, { s: 'abc' }, false],
  ['suffix is case-sensitive', { s: [{ suffix: 'BC' }] }, { s: 'abc' }, false],
  ['suffix longer than the value', { s: [{ suffix: 'xabc' }] }, { s: 'abc' }, false],
  ['suffix equals-ignore-case', { s: [{ suffix: { 'equals-ignore-case': 'BC' } }] }, { s: 'aBc' }, true],
  ['suffix equals-ignore-case no match', { s: [{ suffix: { 'equals-ignore-case': 'BC' } }] }, { s: 'bca' }, false],
  ['suffix never matches numbers', { s: [{ suffix: '3' }] }, { s: 123 }, false],
];

const equalsIgnoreCaseCases: MatchCase[] = [
  ['equals-ignore-case', { s: [{ 'equals-ignore-case': 'EC2' }] }, { s: 'ec2' }, true],
  ['equals-ignore-case mixed', { s: [{ 'equals-ignore-case': 'Hello World' }] }, { s: 'hELLO wORLD' }, true],
  ['equals-ignore-case is whole-value', { s: [{ 'equals-ignore-case': 'ec2' }] }, { s: 'ec22' }, false],
  ['equals-ignore-case non-ASCII', { s: [{ 'equals-ignore-case': 'ÉTÉ' }] }, { s: 'été' }, true],
  ['equals-ignore-case ß matches SS (per-character case forms)', { s: [{ 'equals-ignore-case': 'straße' }] }, { s: 'STRASSE' }, true],
  ['equals-ignore-case ß does not match ss', { s: [{ 'equals-ignore-case': 'straße' }] }, { s: 'strasse' }, false],
  ['equals-ignore-case never matches numbers', { s: [{ 'equals-ignore-case': '1' }] }, { s: 1 }, false],
];

const wildcardCases: MatchCase[] = [
  ['wildcard in the middle', { s: [{ wildcard: 'Simple*Service' }] }, { s: 'SimpleQueueService' }, true],
  ['wildcard matches the empty string', { s: [{ wildcard: 'Simple*Service' }] }, { s: 'SimpleService' }, true],
  ['wildcard anchored at both ends', { s: [{ wildcard: 'Simple*Service' }] }, { s: 'ASimpleQueueService' }, false],
  ['wildcard is case-sensitive', { s: [{ wildcard: 'simple*' }] }, { s: 'Simple' }, false],
  ['wildcard dir/*.png', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'dir/a/b.png' }, true],
  ['wildcard dir/*.png, other folder', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'other/b.png' }, false],
  ['wildcard several stars', { s: [{ wildcard: 'a*b*c' }] }, { s: 'axxbyyc' }, true],
  ['wildcard several stars, order matters', { s: [{ wildcard: 'a*b*c' }] }, { s: 'acb' }, false],
  ['wildcard overlapping segments', { s: [{ wildcard: 'ab*ba' }] }, { s: 'aba' }, false],
  ['wildcard lone star matches any string', { s: [{ wildcard: '*' }] }, { s: '' }, true],
  ['wildcard lone star does not match numbers', { s: [{ wildcard: '*' }] }, { s: 5 }, false],
  ['wildcard without star is exact', { s: [{ wildcard: 'abc' }] }, { s: 'abc' }, true],
  ['wildcard escaped star is literal', { s: [{ wildcard: 'a\\*b' }] }, { s: 'a*b' }, true],
  ['wildcard escaped star does not glob', { s: [{ wildcard: 'a\\*b' }] }, { s: 'axb' }, false],
  ['wildcard escaped backslash', { s: [{ wildcard: 'a\\\\*' }] }, { s: 'a\\tail' }, true],
  ['wildcard ARN', { arn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, { arn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }, true],
];

const anythingButCases: MatchCase[] = [
  ['anything-but never matches an absent field', { s: [{ 'anything-but': 'x' }] }, {}, false],
  ['anything-but never matches an object value', { s: [{ 'anything-but': 'x' }] }, { s: { a: 1 } }, false],
  ['anything-but never matches an empty array', { s: [{ 'anything-but': 'x' }] }, { s: [] }, false],
  ['anything-but string matches other types (number)', { s: [{ 'anything-but': 'x' }] }, { s: 5 }, true],
  ['anything-but string matches null', { s: [{ 'anything-but': 'x' }] }, { s: null }, true],
  ['anything-but number matches strings', { n: [{ 'anything-but': 5 }] }, { n: '5' }, true],
  ['anything-but number compares numerically', { n: [{ 'anything-but': 5 }] }, { n: 5.0 }, false],
  ['anything-but number list, 100.0 excluded', '{"n": [{"anything-but": [100, 200]}]}', { n: 100.0 }, false],
  ['anything-but with an event array: one other element suffices', { n: [{ 'anything-but': [100, 500] }] }, { n: [100, 50] }, true],
  ['anything-but with an event array: all excluded', { n: [{ 'anything-but': [100, 500] }] }, { n: [100, 500] }, false],
  ['anything-but suffix list', { f: [{ 'anything-but': { suffix: ['.txt', '.rtf'] } }] }, { f: 'a.rtf' }, false],
  ['anything-but suffix matches non-strings', { f: [{ 'anything-but': { suffix: '.txt' } }] }, { f: true }, true],
  ['anything-but prefix list', { r: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] }, { r: 'ap-south-1' }, true],
  ['anything-but prefix list excluded', { r: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] }, { r: 'eu-west-1' }, false],
  ['anything-but equals-ignore-case list', { s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] }, { s: 'overloaded' }, false],
  ['anything-but equals-ignore-case list, other value', { s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] }, { s: 'running' }, true],
  ['anything-but wildcard list', { p: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] }, { p: '/usr/bin/x' }, false],
  ['anything-but wildcard list, other path', { p: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] }, { p: '/etc/x' }, true],
  ['anything-but OR an exact value in the same array', { s: ['a', { 'anything-but': ['a', 'b'] }] }, { s: 'a' }, true],
];

const numericCases: MatchCase[] = [
  ['numeric =', { n: [{ numeric: ['=', 100] }] }, { n: 100 }, true],
  ['numeric = 1.0 vs 1', '{"n": [{"numeric": ["=", 1.0]}]}', { n: 1 }, true],
  ['numeric = different', { n: [{ numeric: ['=', 100] }] }, { n: 100.5 }, false],
  ['numeric <', { n: [{ numeric: ['<', 10] }] }, { n: 9.999 }, true],
  ['numeric < boundary', { n: [{ numeric: ['<', 10] }] }, { n: 10 }, false],
  ['numeric <=', { n: [{ numeric: ['<=', 10] }] }, { n: 10 }, true],
  ['numeric >', { n: [{ numeric: ['>', 0] }] }, { n: 0.000001 }, true],
  ['numeric > boundary', { n: [{ numeric: ['>', 0] }] }, { n: 0 }, false],
  ['numeric > below six decimals of precision', { n: [{ numeric: ['>', 0] }] }, { n: 0.0000001 }, false],
  ['numeric >=', { n: [{ numeric: ['>=', -5] }] }, { n: -5 }, true],
  ['numeric range (0, 5]', { n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 5 }, true],
  ['numeric range (0, 5] lower boundary', { n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 0 }, false],
  ['numeric range [0, 5)', { n: [{ numeric: ['>=', 0, '<', 5] }] }, { n: 0 }, true],
  ['numeric range [0, 5) upper boundary', { n: [{ numeric: ['>=', 0, '<', 5] }] }, { n: 5 }, false],
  ['numeric range docs: Price (10, 20]', { Price: [{ numeric: ['>', 10, '<=', 20] }] }, { Price: 15 }, true],
  ['numeric never matches strings', { n: [{ numeric: ['>', 0] }] }, { n: '5' }, false],
  ['numeric never matches booleans', { n: [{ numeric: ['>', 0] }] }, { n: true }, false],
  ['numeric on an event array', { n: [{ numeric: ['>', 10] }] }, { n: [1, 2, 30] }, true],
  ['numeric ignores values beyond ±5e9', { n: [{ numeric: ['>', 0] }] }, { n: 6e9 }, false],
  ['numeric at the +5e9 limit', { n: [{ numeric: ['>=', 5e9] }] }, { n: 5e9 }, true],
  ['numeric OR with exact values', { n: [0, { numeric: ['>', 10] }] }, { n: 0 }, true],
  ['numeric two ranges OR-ed', { n: [{ numeric: ['<', 0] }, { numeric: ['>', 100] }] }, { n: 50 }, false],
];

const existsCases: MatchCase[] = [
  ['exists true, present', { s: [{ exists: true }] }, { s: 'x' }, true],
  ['exists true, null counts as present', { s: [{ exists: true }] }, { s: null }, true],
  ['exists true, empty string counts as present', { s: [{ exists: true }] }, { s: '' }, true],
  ['exists true, absent', { s: [{ exists: true }] }, {}, false],
  ['exists true, object is not a leaf', { s: [{ exists: true }] }, { s: { a: 1 } }, false],
  ['exists true, empty array has no leaf', { s: [{ exists: true }] }, { s: [] }, false],
  ['exists true, array of objects has no leaf', { s: [{ exists: true }] }, { s: [{ a: 1 }] }, false],
  ['exists true, array with a leaf', { s: [{ exists: true }] }, { s: [{ a: 1 }, 2] }, true],
  ['exists false, absent', { s: [{ exists: false }] }, { t: 1 }, true],
  ['exists false, present', { s: [{ exists: false }] }, { s: 'x' }, false],
  ['exists false, null is present', { s: [{ exists: false }] }, { s: null }, false],
  ['exists false, empty array', { s: [{ exists: false }] }, { s: [] }, true],
  ['exists false, parent object absent', { detail: { s: [{ exists: false }] } }, { source: 'x' }, true],
  ['exists false, parent is a leaf', { detail: { s: [{ exists: false }] } }, { detail: 'x' }, true],
  ['exists false, parent is an empty array', { detail: { s: [{ exists: false }] } }, { detail: [] }, true],
  ['exists false with another field', { a: ['x'], s: [{ exists: false }] }, { a: 'x' }, true],
  ['exists false with another field present', { a: ['x'], s: [{ exists: false }] }, { a: 'x', s: 0 }, false],
  ['exists false OR a value', { s: ['x', { exists: false }] }, { s: 'x' }, true],
  ['exists false OR a value, other value', { s: ['x', { exists: false }] }, { s: 'y' }, false],
  ['exists true and false together always match', { s: [{ exists: true }, { exists: false }] }, {}, true],
  ['exists false inside array elements (element without the field)', { items: { deleted: [{ exists: false }], id: [2] } }, { items: [{ id: 1 }, { id: 2 }] }, true],
  ['exists false inside array elements (matching element has the field)', { items: { deleted: [{ exists: false }], id: [2] } }, { items: [{ id: 1 }, { id: 2, deleted: true }] }, false],
];

const cidrCases: MatchCase[] = [
  ['cidr /8', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.255.1.2' }, true],
  ['cidr /8 outside', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '11.0.0.1' }, false],
  ['cidr /0 covers all IPv4', { ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '203.0.113.9' }, true],
  ['cidr /31', { ip: [{ cidr: '192.168.1.2/31' }] }, { ip: '192.168.1.3' }, true],
  ['cidr /31 outside', { ip: [{ cidr: '192.168.1.2/31' }] }, { ip: '192.168.1.4' }, false],
  ['cidr with host bits set covers the whole block', { ip: [{ cidr: '10.0.0.5/24' }] }, { ip: '10.0.0.1' }, true],
  ['cidr IPv6', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:ffff::1' }, true],
  ['cidr IPv6 outside', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }, false],
  ['cidr IPv6 upper-case event', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:DB8::ABCD' }, true],
  ['cidr IPv4 does not match IPv6', { ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '::1' }, false],
  ['cidr does not match non-IP strings', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'localhost' }, false],
  ['cidr does not match numbers', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 10 }, false],
  ['cidr with leading-zero octets read as decimal', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '010.000.000.010' }, true],
  ['cidr IPv4 matches an IPv4-mapped IPv6 value', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::ffff:a01:203' }, true],
  ['cidr ::/0 covers all IPv6', { ip: [{ cidr: '::/0' }] }, { ip: 'ffff::1' }, true],
  ['cidr: a value with a trailing colon is not an address', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8::1:' }, false],
  ['cidr: an octet above 255 is not an address', { ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '1.2.3.256' }, false],
  ['exact "::" is the all-zero address', { ip: ['::'] }, { ip: '0:0:0:0:0:0:0:0' }, true],
  ['exact "1::" expands to the right', { ip: ['1::'] }, { ip: '1:0:0:0:0:0:0:0' }, true],
  ['exact non-address with colons stays a string', { t: ['12:30'] }, { t: '12:30' }, true],
  ['exact nine-group "address" stays a string', { ip: ['1:2:3:4:5:6:7:8:9'] }, { ip: '1:2:3:4:5:6:7:8:9' }, true],
];

const orCases: MatchCase[] = [
  // Rule syntax of "Comparison operators for use in event patterns in Amazon EventBridge" (Or, multiple fields).
  ['$or first branch', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, { Location: 'New York', Day: 'Sunday' }, true],
  ['$or second branch', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, { Location: 'Paris', Day: 'Monday' }, true],
  ['$or neither', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, { Location: 'Paris', Day: 'Sunday' }, false],
  // aws/event-ruler README, "$or" examples.
  [
    '$or with AND outside (source && (metricName || namespace))',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] },
    { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
    true,
  ],
  [
    '$or with AND outside, source differs',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] },
    { source: 'aws.ec2', namespace: 'AWS/ES' },
    false,
  ],
  [
    'parallel $or at two levels',
    {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    { metricName: 'ReadLatency', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
    true,
  ],
  [
    'parallel $or, inner one fails',
    {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    { metricName: 'ReadLatency', detail: { source: 'aws.ec2' } },
    false,
  ],
  [
    '$or branch with an AND inside',
    {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }, { scope: ['Service'] }],
    },
    { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' },
    true,
  ],
  [
    '$or branch with an AND inside, half of it',
    {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }, { scope: ['Service'] }],
    },
    { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
    false,
  ],
  [
    'nested $or inside a $or branch',
    {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
    },
    { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
    true,
  ],
  [
    'nested $or inside a $or branch, inner fails',
    {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
    },
    { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1001 },
    false,
  ],
  [
    '$or of numeric conditions inside detail',
    { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } },
    { detail: { 'c-count': 50, 'd-count': 50, 'x-limit': 301.8 } },
    true,
  ],
  ['$or with exists false branch', { $or: [{ a: ['x'] }, { b: [{ exists: false }] }] }, { b: 1, a: 'y' }, false],
  ['$or with exists false branch, absent', { $or: [{ a: ['x'] }, { b: [{ exists: false }] }] }, { a: 'y' }, true],
  [
    '$or over event array elements stays within one element',
    { items: { $or: [{ a: [1] }, { b: [2] }], c: [3] } },
    { items: [{ a: 1, c: 0 }, { b: 2, c: 3 }] },
    true,
  ],
  [
    '$or over event array elements, no single element satisfies all',
    { items: { $or: [{ a: [1] }, { b: [2] }], c: [3] } },
    { items: [{ a: 1, c: 0 }, { b: 0, c: 3 }] },
    false,
  ],
];

const allMatchCases: MatchCase[] = [
  ...docsCases,
  ...exactCases,
  ...prefixSuffixCases,
  ...equalsIgnoreCaseCases,
  ...wildcardCases,
  ...anythingButCases,
  ...numericCases,
  ...existsCases,
  ...cidrCases,
  ...orCases,
];

describe('matching', () => {
  test.each(allMatchCases)('%s', (_name, pattern, event, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
    // The same pattern as JSON text (or as an object, when given as text), compiled once.
    const other = typeof pattern === 'string' ? JSON.parse(pattern) : JSON.stringify(pattern);
    const compiled = compilePattern(other);
    expect(matches(compiled, event)).toBe(expected);
    expect(compiled.matches(JSON.parse(JSON.stringify(event)))).toBe(expected);
  });

  test('a non-object event matches nothing', () => {
    const compiled = compilePattern({ a: [{ exists: false }] });
    expect(matches(compiled, {})).toBe(true);
    for (const event of [null, undefined, 'x', 5, [], [{}]]) expect(matches(compiled, event)).toBe(false);
  });

  test('compilePattern returns a reusable CompiledPattern that keeps the pattern', () => {
    const compiled = compilePattern('{"source": ["aws.ec2"]}');
    expect(compiled).toBeInstanceOf(CompiledPattern);
    expect(compiled.pattern).toEqual({ source: ['aws.ec2'] });
    expect(compiled.matches(ec2Event)).toBe(true);
    expect(compiled.matches(autoscalingEvent)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Invalid patterns
// ---------------------------------------------------------------------------------------------

type InvalidCase = [name: string, pattern: unknown, reason: string, path: string];

const invalidCases: InvalidCase[] = [
  // structure
  ['not JSON', '{"source": [', 'Invalid JSON', ''],
  ['JSON array', '["aws.ec2"]', 'Filter is not an object', ''],
  ['JSON string', '"aws.ec2"', 'Filter is not an object', ''],
  ['JSON null', 'null', 'Filter is not an object', ''],
  ['empty pattern', {}, 'Empty objects are not allowed', ''],
  ['empty nested object', { detail: {} }, 'Empty objects are not allowed', 'detail'],
  ['bare string value', { source: 'aws.ec2' }, '"source" must be an object or an array (values to match go in an array, e.g. {"source": ["aws.ec2"]})', 'source'],
  ['bare number value', { detail: { n: 5 } }, '"n" must be an object or an array', 'detail.n'],
  ['bare null value', { a: null }, '"a" must be an object or an array', 'a'],
  ['operator outside its array', { detail: { repo: { prefix: 'abc' } } }, '"prefix" must be an object or an array (operators go inside the field\'s array, e.g. {"repo": [{"prefix": "abc"}]})', 'detail.repo.prefix'],
  ['empty value array', { source: [] }, 'Empty arrays are not allowed', 'source'],
  ['nested array value', { source: [['a']] }, 'Match value must be String, number, true, false, or null (got ["a"])', 'source[0]'],
  ['NaN value', { n: [NaN] }, 'Match value must be String, number, true, false, or null (got NaN)', 'n[0]'],
  ['undefined value', { n: [undefined] }, 'Match value must be String, number, true, false, or null', 'n[0]'],
  ['empty match expression', { s: [{}] }, 'Match expression name not found', 's[0]'],
  ['two keys in a match expression', { s: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed in match expression (got "prefix", "suffix")', 's[0]'],
  ['unknown operator', { s: [{ contains: 'a' }] }, 'Unrecognized match type "contains"', 's[0]'],
  ['"exactly" is not an EventBridge operator', { s: [{ exactly: 'a' }] }, 'Unrecognized match type "exactly"', 's[0]'],
  // prefix / suffix / equals-ignore-case
  ['prefix number', { detail: { repo: [{ prefix: 5 }] } }, 'Value of "prefix" must be a string or {"equals-ignore-case": "..."} (got 5)', 'detail.repo[0]'],
  ['prefix array', { s: [{ prefix: ['a'] }] }, 'Value of "prefix" must be a string', 's[0]'],
  ['prefix unsupported nested operator', { s: [{ prefix: { suffix: 'a' } }] }, 'Unsupported prefix pattern "suffix"', 's[0]'],
  ['prefix empty nested object', { s: [{ prefix: {} }] }, 'Prefix expression name not found', 's[0]'],
  ['prefix equals-ignore-case number', { s: [{ prefix: { 'equals-ignore-case': 1 } }] }, 'Value of "equals-ignore-case" must be a string (got 1)', 's[0]'],
  ['prefix nested with two keys', { s: [{ prefix: { 'equals-ignore-case': 'a', x: 1 } }] }, 'Only one key allowed in match expression', 's[0]'],
  ['suffix null', { s: [{ suffix: null }] }, 'Value of "suffix" must be a string or {"equals-ignore-case": "..."} (got null)', 's[0]'],
  ['suffix unsupported nested operator', { s: [{ suffix: { wildcard: '*' } }] }, 'Unsupported suffix pattern "wildcard"', 's[0]'],
  ['equals-ignore-case number', { s: [{ 'equals-ignore-case': 5 }] }, 'Value of "equals-ignore-case" must be a string (got 5)', 's[0]'],
  ['equals-ignore-case list', { s: [{ 'equals-ignore-case': ['a'] }] }, 'Value of "equals-ignore-case" must be a string', 's[0]'],
  // wildcard
  ['wildcard number', { s: [{ wildcard: 5 }] }, 'Value of "wildcard" must be a string (got 5)', 's[0]'],
  ['wildcard consecutive stars', { s: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at position 1', 's[0]'],
  ['wildcard bad escape', { s: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at position 1', 's[0]'],
  ['wildcard trailing backslash', { s: [{ wildcard: 'ab\\' }] }, 'Invalid escape character at position 2', 's[0]'],
  // numeric
  ['numeric not an array', { n: [{ numeric: 5 }] }, 'Value of "numeric" must be an array (got 5)', 'n[0]'],
  ['numeric empty array', { n: [{ numeric: [] }] }, 'Invalid member in numeric match', 'n[0]'],
  ['numeric starts with a number', { n: [{ numeric: [5, '<'] }] }, 'Invalid member in numeric match', 'n[0]'],
  ['numeric unknown operator', { n: [{ numeric: ['!=', 5] }] }, 'Unrecognized numeric range operator "!="', 'n[0]'],
  ['numeric string operand', { n: [{ numeric: ['=', '5'] }] }, 'Value of "=" in "numeric" must be a number (got "5")', 'n[0]'],
  ['numeric missing operand', { n: [{ numeric: ['<'] }] }, 'Value of "<" in "numeric" must be a number (got nothing)', 'n[0]'],
  ['numeric = with extra terms', { n: [{ numeric: ['=', 5, '<', 6] }] }, 'Too many elements in numeric expression', 'n[0]'],
  ['numeric upper bound first', { n: [{ numeric: ['<', 10, '>', 0] }] }, 'Too many elements in numeric expression', 'n[0]'],
  ['numeric range with a lower-bound operator on top', { n: [{ numeric: ['>', 0, '>', 5] }] }, 'Bad numeric range operator ">"', 'n[0]'],
  ['numeric range with a non-string second operator', { n: [{ numeric: ['>', 0, 5] }] }, 'Bad value in numeric range', 'n[0]'],
  ['numeric range bottom above top', { n: [{ numeric: ['>', 10, '<', 5] }] }, 'Bottom must be less than top', 'n[0]'],
  ['numeric range bottom equal to top', { n: [{ numeric: ['>=', 5, '<=', 5] }] }, 'Bottom must be less than top', 'n[0]'],
  ['numeric range too many terms', { n: [{ numeric: ['>', 0, '<', 5, 6] }] }, 'Too many terms in numeric range expression', 'n[0]'],
  ['numeric operand above 5e9', { n: [{ numeric: ['>', 5000000001] }] }, 'Value must be between -5.0E9 and 5.0E9, inclusive (got 5000000001)', 'n[0]'],
  ['numeric operand below -5e9', { n: [{ numeric: ['<', -6e9] }] }, 'Value must be between -5.0E9 and 5.0E9, inclusive', 'n[0]'],
  // exists
  ['exists string', { s: [{ exists: 'true' }] }, 'Value of "exists" must be either true or false (got "true")', 's[0]'],
  ['exists null', { s: [{ exists: null }] }, 'Value of "exists" must be either true or false (got null)', 's[0]'],
  // cidr
  ['cidr number', { ip: [{ cidr: 10 }] }, 'Value of "cidr" must be a string (got 10)', 'ip[0]'],
  ['cidr without mask', { ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR \"10.0.0.0\", one '/' required", 'ip[0]'],
  ['cidr with two slashes', { ip: [{ cidr: '10.0.0.0/8/8' }] }, "one '/' required", 'ip[0]'],
  ['cidr non-integer mask', { ip: [{ cidr: '10.0.0.0/abc' }] }, 'mask bits must be an integer', 'ip[0]'],
  ['cidr negative mask', { ip: [{ cidr: '10.0.0.0/-1' }] }, 'mask bits must not be negative', 'ip[0]'],
  ['cidr IPv4 mask 32', { ip: [{ cidr: '10.0.0.1/32' }] }, 'IPv4 mask bits must be < 32', 'ip[0]'],
  ['cidr IPv6 mask 128', { ip: [{ cidr: '2001:db8::1/128' }] }, 'IPv6 mask bits must be < 128', 'ip[0]'],
  ['cidr bad octet', { ip: [{ cidr: '256.0.0.0/8' }] }, 'Invalid IP address: 256.0.0.0', 'ip[0]'],
  ['cidr hostname', { ip: [{ cidr: 'example.com/8' }] }, 'Nonstandard IP address: example.com', 'ip[0]'],
  ['cidr bad IPv6', { ip: [{ cidr: '2001:db8:::1/64' }] }, 'Invalid IP address: 2001:db8:::1', 'ip[0]'],
  ['cidr IPv6 with a leading single colon', { ip: [{ cidr: ':1/64' }] }, 'Invalid IP address: :1', 'ip[0]'],
  ['cidr IPv6 "::" standing for no group', { ip: [{ cidr: '1:2:3:4:5:6:7::8/64' }] }, 'Invalid IP address', 'ip[0]'],
  ['cidr three octets', { ip: [{ cidr: '10.0.0/8' }] }, 'Nonstandard IP address: 10.0.0', 'ip[0]'],
  ['cidr dotted IPv6', { ip: [{ cidr: '::ffff:10.0.0.1/96' }] }, 'Nonstandard IP address', 'ip[0]'],
  // anything-but
  ['anything-but boolean', { s: [{ 'anything-but': true }] }, 'Value of "anything-but" must be an array or single string/number value (got true)', 's[0]'],
  ['anything-but null', { s: [{ 'anything-but': null }] }, 'Value of "anything-but" must be an array or single string/number value', 's[0]'],
  ['anything-but mixed list', { s: [{ 'anything-but': ['a', 1] }] }, 'either all values are number or string, mixed type is not supported', 's[0]'],
  ['anything-but empty list', { s: [{ 'anything-but': [] }] }, 'mixed type is not supported (the list is empty)', 's[0]'],
  ['anything-but list with null', { s: [{ 'anything-but': ['a', null] }] }, 'Inside anything-but list, only strings and numbers are supported', 's[0]'],
  ['anything-but list of operators', { s: [{ 'anything-but': [{ prefix: 'a' }] }] }, 'Inside anything-but list, only strings and numbers are supported', 's[0]'],
  ['anything-but number out of range', { s: [{ 'anything-but': 6e9 }] }, 'Value must be between -5.0E9 and 5.0E9, inclusive', 's[0]'],
  ['anything-but unsupported nested operator', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'Unsupported anything-but pattern "numeric"', 's[0]'],
  ['anything-but empty nested object', { s: [{ 'anything-but': {} }] }, 'Anything-But expression name not found', 's[0]'],
  ['anything-but nested with two keys', { s: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] }, 'Only one key allowed in anything-but expression', 's[0]'],
  ['anything-but empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed', 's[0]'],
  ['anything-but empty suffix in a list', { s: [{ 'anything-but': { suffix: ['.png', ''] } }] }, 'Null prefix/suffix not allowed', 's[0]'],
  ['anything-but prefix number', { s: [{ 'anything-but': { prefix: 5 } }] }, 'Value of "prefix" inside "anything-but" must be a string (got 5)', 's[0]'],
  ['anything-but prefix nested object', { s: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'a' } } }] }, 'Value of "anything-but" must be an array or single string/number value', 's[0]'],
  ['anything-but equals-ignore-case number', { s: [{ 'anything-but': { 'equals-ignore-case': [1] } }] }, 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported', 's[0]'],
  ['anything-but wildcard invalid', { s: [{ 'anything-but': { wildcard: 'a**' } }] }, 'Consecutive wildcard characters', 's[0]'],
  ['anything-but wildcard boolean in list', { s: [{ 'anything-but': { wildcard: ['*', false] } }] }, 'Value of "wildcard" inside "anything-but" must be a string (got false)', 's[0]'],
  ['anything-but empty nested list', { s: [{ 'anything-but': { prefix: [] } }] }, 'The "anything-but" "prefix" list must not be empty', 's[0]'],
  // $or
  ['$or not an array', { $or: { a: ['x'] } }, 'Value of "$or" must be an array of at least 2 objects', '$or'],
  ['$or with one object', { $or: [{ a: ['x'] }] }, 'There must be at least 2 objects in a "$or" array (got 1)', '$or'],
  ['$or empty', { detail: { $or: [] } }, 'There must be at least 2 objects in a "$or" array (got 0)', 'detail.$or'],
  ['$or with a non-object', { $or: [{ a: ['x'] }, ['b']] }, 'Only JSON objects are allowed in a "$or" array (got ["b"])', '$or[1]'],
  ['$or with an empty object', { $or: [{ a: ['x'] }, {}] }, 'Empty objects are not allowed', '$or[1]'],
  ['$or with an invalid branch', { $or: [{ a: ['x'] }, { b: [{ prefix: 1 }] }] }, 'Value of "prefix" must be a string', '$or[1].b[0]'],
  ['$or with a reserved field name', { $or: [{ numeric: [123] }, { prefix: ['abc'] }] }, '"numeric" is a reserved keyword and cannot be used as a field name inside "$or"', '$or[0].numeric'],
  ['$or with a reserved name nested deeper', { $or: [{ a: ['x'] }, { detail: { wildcard: ['x'] } }] }, '"wildcard" is a reserved keyword', '$or[1].detail.wildcard'],
  // paths with unusual keys
  ['path quotes keys with dots', { detail: { 'a.b': [] } }, 'Empty arrays are not allowed', 'detail."a.b"'],
];

describe('invalid patterns', () => {
  test.each(invalidCases)('%s', (_name, pattern, reason, path) => {
    let thrown: unknown;
    try {
      compilePattern(pattern as object);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidEventPatternError);
    const err = thrown as InvalidEventPatternError;
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('InvalidEventPatternException');
    expect(err.reason).toContain(reason);
    expect(err.path).toBe(path);
    expect(err.message).toBe(`Event pattern is not valid. Reason: ${err.reason}${path ? ` at ${path}` : ''}`);
    // matchesPattern refuses it the same way.
    expect(() => matchesPattern(pattern as object, {})).toThrow(InvalidEventPatternError);
  });

  test('the message names the problem and the place', () => {
    expect(() => compilePattern({ detail: { repo: [{ prefix: 5 }] } })).toThrow(
      'Event pattern is not valid. Reason: Value of "prefix" must be a string or {"equals-ignore-case": "..."} (got 5) at detail.repo[0]',
    );
  });

  test('reserved names are fine as field names outside "$or"', () => {
    expect(matchesPattern({ prefix: ['x'], numeric: [1] }, { prefix: 'x', numeric: 1 })).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const key = fc.string({ maxLength: 6 }).filter((k) => k !== '$or' && k !== '__proto__');
const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('10.0.0.1', '2001:db8::1', ''),
);
const { json } = fc.letrec<{ json: Json; arr: Json[]; obj: { [k: string]: Json } }>((tie) => ({
  json: fc.oneof({ depthSize: 'small' }, leaf, tie('arr'), tie('obj')),
  arr: fc.array(tie('json'), { maxLength: 4 }),
  obj: fc.dictionary(key, tie('json'), { maxKeys: 4 }),
}));
const eventArb = fc.dictionary(key, json, { minKeys: 1, maxKeys: 6 });

function isLeafJson(v: Json): v is null | boolean | number | string {
  return v === null || typeof v !== 'object';
}

function flatten(arr: Json[]): Json[] {
  return arr.flatMap((el) => (Array.isArray(el) ? flatten(el) : [el]));
}

/** An exact-match pattern over a random subset of the object's leaves; undefined when it picked none. */
function patternFrom(obj: { [k: string]: Json }, pick: () => number): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (pick() % 3 === 0) continue;
    const sub = patternForValue(v, pick);
    if (sub !== undefined) out[k] = sub;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function patternForValue(v: Json, pick: () => number): unknown {
  if (isLeafJson(v)) return [v];
  if (Array.isArray(v)) {
    const candidates = flatten(v);
    if (candidates.length === 0) return undefined;
    const chosen = candidates[pick() % candidates.length]!;
    return isLeafJson(chosen) ? [chosen] : patternFrom(chosen as { [k: string]: Json }, pick);
  }
  return patternFrom(v, pick);
}

describe('properties', () => {
  test('a pattern built from an event’s own leaf values always matches that event', () => {
    fc.assert(
      fc.property(eventArb, fc.array(fc.nat(), { minLength: 64, maxLength: 64 }), (event, picks) => {
        let i = 0;
        const pick = () => picks[i++ % picks.length]!;
        const pattern = patternFrom(event, pick);
        fc.pre(pattern !== undefined);
        expect(matches(compilePattern(pattern!), event)).toBe(true);
        expect(matches(compilePattern(JSON.stringify(pattern)), JSON.parse(JSON.stringify(event)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('anything-but a field’s only value never matches, exists true always does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer({ min: -1e6, max: 1e6 })), (value) => {
        expect(matchesPattern({ f: [{ 'anything-but': value }] }, { f: value })).toBe(false);
        expect(matchesPattern({ f: [{ exists: true }] }, { f: value })).toBe(true);
        expect(matchesPattern({ f: [{ exists: false }] }, { f: value })).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
