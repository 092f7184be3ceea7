import { DomainError } from './domain-error';
import { checkRequestText, findUnfitPathSegment, findUnstorableText, MAX_BODY_DEPTH } from './request-text';

const nested = (depth: number): unknown => (depth === 0 ? 'x' : { a: nested(depth - 1) });

describe('findUnstorableText', () => {
  it('finds a NUL anywhere in a body, in a value or a key, and names where', () => {
    expect(findUnstorableText({ name: 'a\u0000b' }, '(body)')).toEqual({
      field: 'name',
      message: 'holds a NUL character, which cannot be stored',
    });
    expect(findUnstorableText({ a: [{ b: 'ok' }, { b: ['x', '\u0000'] }] }, '(body)')?.field).toBe('a.1.b.1');
    expect(findUnstorableText({ 'k\u0000': 1 }, '(body)')).toMatchObject({ field: 'k\u0000', message: /^its name/ });
    expect(findUnstorableText('\u0000', '(body)')?.field).toBe('(body)');
  });

  it('finds lone surrogates, high or low, but takes a pair', () => {
    for (const lone of ['\ud800', 'a\udbffb', '\udc00', 'x\udfff'])
      expect(findUnstorableText({ name: lone }, '(body)')?.message).toMatch(/lone UTF-16 surrogate \(U\+D[89ABCDEF]/);
    expect(findUnstorableText({ name: '😀 \ud83d\ude00 é 中' }, '(body)')).toBeNull();
  });

  it('takes other control characters in a body (storable), refuses them in a query', () => {
    const text = { name: 'tab\there, line\nbreak, \u0001\u001f\u007f\u0085' };
    expect(findUnstorableText(text, '(body)')).toBeNull();
    expect(findUnstorableText(text, 'query', true)?.message).toBe('holds a control character (U+0009)');
    expect(findUnstorableText({ cursor: ['ok', 'a\u007f'] }, 'query', true)?.field).toBe('cursor.1');
  });

  it(`refuses a body nested deeper than ${MAX_BODY_DEPTH} levels, without recursing`, () => {
    expect(findUnstorableText(nested(MAX_BODY_DEPTH), '(body)')).toBeNull();
    expect(findUnstorableText(nested(MAX_BODY_DEPTH + 1), '(body)')?.message).toBe(
      `nests deeper than ${MAX_BODY_DEPTH} levels`,
    );
    // What a 1 MB body can hold: JSON.parse builds it, JSON.stringify of it would overflow the stack.
    const deep = JSON.parse('['.repeat(500_000) + ']'.repeat(500_000));
    expect(findUnstorableText(deep, '(body)')?.message).toMatch(/nests deeper/);
  });

  it('takes what a body may hold', () => {
    for (const value of [undefined, null, {}, [], 0, true, { a: [1, 'b', null, { c: 'é' }] }])
      expect(findUnstorableText(value, '(body)')).toBeNull();
  });
});

describe('findUnfitPathSegment', () => {
  it('refuses NUL and other control characters, percent-encoded', () => {
    for (const path of ['/v1/applications/%00/eligibility', '/v1/x/a%01b', '/v1/x/%1F', '/v1/x/%7F', '/v1/x/%C2%85'])
      expect([path, findUnfitPathSegment(path)?.message]).toEqual([path, expect.stringMatching(/^a segment holds/)]);
  });

  it('refuses what is not percent-encoded UTF-8: a lone surrogate, a cut sequence', () => {
    for (const path of ['/v1/x/%ED%A0%80', '/v1/x/%ED%B0%80/y', '/v1/x/%E0%A4%A', '/v1/x/%', '/v1/x/%FF'])
      expect([path, findUnfitPathSegment(path)?.message]).toEqual([path, expect.stringMatching(/not percent-encoded/)]);
  });

  it('refuses a segment over 128 characters (code points), takes 128', () => {
    expect(findUnfitPathSegment(`/v1/applications/${'a'.repeat(128)}/eligibility`)).toBeNull();
    expect(findUnfitPathSegment(`/v1/applications/${encodeURIComponent('😀'.repeat(128))}`)).toBeNull();
    expect(findUnfitPathSegment(`/v1/applications/${'a'.repeat(129)}/eligibility`)?.message).toBe(
      'a segment is 129 characters long, over the 128 of an id',
    );
    expect(findUnfitPathSegment(`/v1/applications/${'a'.repeat(5000)}/eligibility`)?.field).toBe('path');
  });

  it('reads only the path: the query is checked as parsed', () => {
    expect(findUnfitPathSegment(`/v1/connections/abc?cursor=${'a'.repeat(500)}&x=%00`)).toBeNull();
    expect(findUnfitPathSegment('/v1/instances/9f1c/provisioning/2026-01-01/users')).toBeNull();
  });
});

describe('checkRequestText', () => {
  const refusal = (req: Parameters<typeof checkRequestText>[0]) => {
    try {
      checkRequestText(req);
      return null;
    } catch (error) {
      return error;
    }
  };

  it('answers VALIDATION_FAILED naming the path, the query parameter or the body field', () => {
    const cases: Array<[Parameters<typeof checkRequestText>[0], string]> = [
      [{ originalUrl: '/v1/applications/%00/eligibility' }, 'path'],
      [{ originalUrl: '/v1/x?cursor=%00', query: { cursor: '\u0000' } }, 'cursor'],
      [{ originalUrl: '/v1/tenants', body: { name: 'a\u0000b' } }, 'name'],
      [{ originalUrl: '/v1/tenants', body: { name: '\ud800' } }, 'name'],
    ];
    for (const [req, field] of cases) {
      const error = refusal(req);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', httpStatus: 400, details: [{ field }] });
    }
  });

  it('lets a clean request through', () => {
    expect(
      refusal({ originalUrl: '/v1/connections/abc?from=2026-01-01', query: { from: '2026-01-01' }, body: { a: 'é' } }),
    ).toBeNull();
  });
});
