/** What an Idempotency-Key may be, and which requests count as the same request for a start key. */
import { idempotencyKeySchema, requestDigest } from '../../api/idempotency';
import { startFlowSchema } from '../../api/schemas';

test('a start request is the same request whatever the order of its keys, at any depth', () => {
  const a = startFlowSchema.parse({ flowType: 'discovery', input: { importId: 'x' }, options: { chain: { flowType: 'finops', input: { months: 6, adoption: 0.5 } } } });
  const b = startFlowSchema.parse({ options: { chain: { input: { adoption: 0.5, months: 6 }, flowType: 'finops' } }, input: { importId: 'x' }, flowType: 'discovery' });
  expect(requestDigest(b)).toBe(requestDigest(a));
});

test('any difference in what was asked for is a different request', () => {
  const base = { flowType: 'discovery', input: { importId: 'x' }, options: { chain: { flowType: 'finops', input: { months: 6 } } } };
  const digest = requestDigest(startFlowSchema.parse(base));
  const variants = [
    { ...base, flowType: 'assessment' },
    { ...base, input: { importId: 'y' } },
    { ...base, options: { ...base.options, autoApprove: true } },
    { ...base, options: { chain: { flowType: 'finops', input: { months: 7 } } } },
    { ...base, options: { chain: { flowType: 'finops', input: { months: '6' } } } },
  ];
  for (const v of variants) expect(requestDigest(startFlowSchema.parse(v))).not.toBe(digest);
});

test('a key is 1 to 255 visible ASCII characters', () => {
  for (const ok of ['a', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'order:42/attempt#1', '~'.repeat(255)]) expect(idempotencyKeySchema.safeParse(ok).success).toBe(true);
  for (const bad of ['', ' leading', 'in side', 'tab\t', 'naïve', 'x'.repeat(256)]) expect(idempotencyKeySchema.safeParse(bad).success).toBe(false);
});
