/** Input, InputPath and InputTransformer: EventBridge's JSONPath subset and template rules. */
import { checkInputTransformer, parsePath, targetInput, transform, valueAtPath, type TemplateContext } from './input-transformer';
import type { EventBridgeEvent } from './model';

const event: EventBridgeEvent = {
  version: '0',
  id: 'e-1',
  'detail-type': 'TaskFailed',
  source: 'abca.task',
  account: '000000000000',
  time: '2024-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: ['arn:r1', 'arn:r2'],
  detail: {
    data: { taskId: 't-7', attempts: 3, ok: false, reason: 'said "no"\nthen left', labels: ['a', 'b'], owner: { login: 'ana' }, none: null },
    items: [{ id: 1 }, { id: 2 }],
  },
};
const ctx: TemplateContext = { event, ruleName: 'notify', ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/notify', ingestionTime: Date.UTC(2024, 0, 1, 0, 0, 1) };
const render = (InputTemplate: string, InputPathsMap: Record<string, string> = {}) => transform({ InputTemplate, InputPathsMap }, ctx);

describe('paths', () => {
  it('follow names (with dashes), indexes, quoted names and wildcards', () => {
    expect(valueAtPath(event, '$')).toBe(event);
    expect(valueAtPath(event, '$.source')).toBe('abca.task');
    expect(valueAtPath(event, '$.detail-type')).toBe('TaskFailed');
    expect(valueAtPath(event, '$.detail.data.taskId')).toBe('t-7');
    expect(valueAtPath(event, '$.resources[1]')).toBe('arn:r2');
    expect(valueAtPath(event, "$['detail']['data']['attempts']")).toBe(3);
    expect(valueAtPath(event, '$.detail.items[*].id')).toEqual([1, 2]);
    expect(valueAtPath(event, '$.detail.nothing.here')).toBeUndefined();
  });

  it('refuse what is not a path', () => {
    expect(() => parsePath('detail.x')).toThrow(/must start with \$/);
    expect(() => parsePath('$.a[')).toThrow();
    expect(() => parsePath('$..a')).toThrow();
  });
});

describe('templates', () => {
  const paths = { id: '$.detail.data.taskId', n: '$.detail.data.attempts', ok: '$.detail.data.ok', labels: '$.detail.data.labels', owner: '$.detail.data.owner', none: '$.detail.data.none', reason: '$.detail.data.reason', missing: '$.detail.data.nope' };

  it('insert values as JSON outside quotes', () => {
    const out = JSON.parse(render('{"id": <id>, "n": <n>, "ok": <ok>, "labels": <labels>, "owner": <owner>, "none": <none>}', paths)) as unknown;
    expect(out).toEqual({ id: 't-7', n: 3, ok: false, labels: ['a', 'b'], owner: { login: 'ana' }, none: null });
  });

  it('insert strings raw inside quotes, escaped so the result stays JSON', () => {
    expect(JSON.parse(render('{"msg": "Task <id> failed after <n> attempts"}', paths))).toEqual({ msg: 'Task t-7 failed after 3 attempts' });
    expect(JSON.parse(render('{"why": "<reason>"}', paths))).toEqual({ why: 'said "no"\nthen left' });
    expect(JSON.parse(render('{"o": "owner=<owner>"}', paths))).toEqual({ o: 'owner={"login":"ana"}' });
  });

  it('handle escaped quotes in the template when tracking strings', () => {
    expect(JSON.parse(render('{"a": "x \\"<id>\\" y", "b": <id>}', paths))).toEqual({ a: 'x "t-7" y', b: 't-7' });
  });

  it('give null for a missing value in value position and nothing inside quotes', () => {
    expect(JSON.parse(render('{"m": <missing>, "s": "[<missing>]"}', paths))).toEqual({ m: null, s: '[]' });
  });

  it('treat a template that is not JSON as text: strings raw', () => {
    expect(render('<id> is in state <n>, labels <labels>', paths)).toBe('t-7 is in state 3, labels ["a","b"]');
    expect(render('"<id> is in state \\"<n>\\""', paths)).toBe('"t-7 is in state \\"3\\""');
    expect(render('<b>bold</b> <id>', paths)).toBe('<b>bold</b> t-7'); // not a variable: left alone
  });

  it('offer the predefined variables', () => {
    const out = JSON.parse(
      render('{"rule": "<aws.events.rule-name>", "arn": <aws.events.rule-arn>, "at": "<aws.events.event.ingestion-time>", "meta": <aws.events.event>, "full": <aws.events.event.json>}'),
    ) as Record<string, unknown>;
    expect(out.rule).toBe('notify');
    expect(out.arn).toBe(ctx.ruleArn);
    expect(out.at).toBe('2024-01-01T00:00:01.000Z');
    const { detail: _d, ...meta } = event;
    expect(out.meta).toEqual(meta);
    expect(out.full).toEqual(event);
  });
});

describe('target input', () => {
  it('is the event, the constant Input, the InputPath value or the transformed template', () => {
    expect(JSON.parse(targetInput({}, ctx))).toEqual(event);
    expect(targetInput({ Input: '{"k":1}' }, ctx)).toBe('{"k":1}');
    expect(JSON.parse(targetInput({ InputPath: '$.detail.data.owner' }, ctx))).toEqual({ login: 'ana' });
    expect(targetInput({ InputPath: '$.detail.missing' }, ctx)).toBe('null');
    expect(targetInput({ InputTransformer: { InputPathsMap: { s: '$.source' }, InputTemplate: '"<s>"' } }, ctx)).toBe('"abca.task"');
  });
});

describe('PutTargets checks', () => {
  it('accept valid transformers and explain invalid ones', () => {
    expect(checkInputTransformer({ InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>, "s": "<id>"}' })).toBeUndefined();
    expect(checkInputTransformer({ InputTemplate: 'plain <text>' })).toBeUndefined();
    expect(checkInputTransformer({ InputPathsMap: { k: '$.source' }, InputTemplate: '{<k>: 1}' })).toMatch(/object key/);
    expect(checkInputTransformer({ InputPathsMap: { k: 'source' }, InputTemplate: '"x"' })).toMatch(/\$/);
    expect(checkInputTransformer({ InputPathsMap: { 'aws.x': '$.source' }, InputTemplate: '"x"' })).toBeDefined();
    expect(checkInputTransformer({ InputTemplate: '' })).toMatch(/required/);
    expect(checkInputTransformer({ InputTemplate: '{"a": }' })).toMatch(/JSON/);
  });
});
