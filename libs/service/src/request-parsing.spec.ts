import { Body, Controller, Get, type INestApplication, Module, Param, Post, Query } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ErrorFilter } from '@org/errors';
import type { AddressInfo } from 'node:net';
import { MAX_BODY_BYTES, parseRequests } from './request-parsing';

@Controller('echo')
class EchoHttpController {
  @Post(':id')
  post(@Param('id') id: string, @Body() body: unknown) {
    return { id, body };
  }

  @Get(':id')
  get(@Param('id') id: string, @Query() query: unknown) {
    return { id, query };
  }
}

@Module({ controllers: [EchoHttpController], providers: [{ provide: APP_FILTER, useClass: ErrorFilter }] })
class EchoModule {}

describe('parseRequests: how every service reads a request', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [EchoModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    parseRequests(app);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  interface Answer {
    status: number;
    body: { body?: { name: string }; error?: { code: string } };
  }
  const call = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const res = await fetch(`${url}${path}`, init);
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };
  const post = (path: string, body: RequestInit['body'], type = 'application/json', extra: RequestInit = {}) =>
    call(path, { method: 'POST', headers: { 'content-type': type }, body, ...extra });
  /** A JSON body of exactly `bytes` bytes. */
  const jsonOf = (bytes: number) => JSON.stringify({ name: 'x'.repeat(bytes - '{"name":""}'.length) });

  it('takes a JSON body of 1 MB; one byte more answers 413 PAYLOAD_TOO_LARGE, announced or streamed', async () => {
    const full = await post('/echo/a', jsonOf(MAX_BODY_BYTES));
    expect([full.status, full.body.body?.name.length]).toEqual([201, MAX_BODY_BYTES - 11]);
    const over = { error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String), details: expect.anything() } };
    expect(await post('/echo/a', jsonOf(MAX_BODY_BYTES + 1))).toEqual({ status: 413, body: over });
    const streamed = new Blob([jsonOf(3 * MAX_BODY_BYTES)]).stream();
    expect(await post('/echo/a', streamed, 'application/json', { duplex: 'half' } as RequestInit)).toEqual({
      status: 413,
      body: over,
    });
    expect(await post('/echo/a', `name=${'x'.repeat(MAX_BODY_BYTES)}`, 'application/x-www-form-urlencoded')).toEqual({
      status: 413,
      body: over,
    });
  });

  it.each([
    ['a NUL in a body string', '/echo/a', '{"a":{"b":["ok","x\\u0000y"]}}', 'a.b.1'],
    ['a lone surrogate in a body string', '/echo/a', '{"name":"\\ud800"}', 'name'],
    ['a NUL in a key', '/echo/a', '{"\\u0000":1}', '\u0000'],
    ['a body nested 40 deep', '/echo/a', `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`, expect.any(String)],
    ['a NUL in the path', '/echo/%00', '{}', 'path'],
    ['a lone surrogate in the path', '/echo/%ED%A0%80', '{}', 'path'],
    ['a 129-character id in the path', `/echo/${'a'.repeat(129)}`, '{}', 'path'],
    ['a control character in the query', '/echo/a?x=%01', '{}', 'x'],
  ])('answers 400 VALIDATION_FAILED to %s', async (_, path, body, field) => {
    expect(await post(path, body)).toEqual({
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: expect.any(String),
          details: [{ field, message: expect.any(String) }],
        },
      },
    });
  });

  it('answers 400 VALIDATION_FAILED to malformed JSON, a NUL in a form, an unknown charset', async () => {
    for (const [body, type] of [
      ['{"a":', 'application/json'],
      ['[1,]', 'application/json'],
      ['a=%00', 'application/x-www-form-urlencoded'],
      ['{}', 'application/json; charset=latin1'],
    ]) {
      const answer = await post('/echo/a', body, type);
      expect([body, answer.status, answer.body.error?.code]).toEqual([body, 400, 'VALIDATION_FAILED']);
    }
  });

  it('lets clean text through: 128-character ids, any Unicode, control characters inside body text', async () => {
    const id = '😀'.repeat(64) + 'a'.repeat(64);
    const get = await call(`/echo/${encodeURIComponent(id)}?from=2026-01-01`);
    expect(get).toEqual({ status: 200, body: { id, query: { from: '2026-01-01' } } });
    const body = { name: 'tab\t, line\n, é 中 😀', list: [1, null, { deep: true }] };
    expect(await post('/echo/a', JSON.stringify(body))).toEqual({ status: 201, body: { id: 'a', body } });
  });
});
