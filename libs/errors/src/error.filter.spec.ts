import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, Logger, PayloadTooLargeException } from '@nestjs/common';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { DomainError } from './domain-error';
import { clientErrorOf, ErrorFilter } from './error.filter';

/** The error Express' own body parser raises for a request, as it reaches Nest's error handler. */
async function parserErrorOf(init: RequestInit & { headers: Record<string, string> }): Promise<unknown> {
  let caught: unknown;
  const app = express()
    .use(express.json({ limit: 16 }))
    .use((_req: express.Request, res: express.Response) => res.end())
    .use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      caught = error;
      res.end();
    });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: 'POST', ...init });
  } finally {
    server.close();
  }
  return caught;
}

function answerTo(error: unknown): { status: number; body: unknown } {
  const answer = { status: 0, body: undefined as unknown };
  const res = {
    headersSent: false,
    status: (status: number) => ((answer.status = status), { json: (body: unknown) => (answer.body = body) }),
  };
  const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new ErrorFilter().catch(error, host);
  return answer;
}

describe('clientErrorOf: errors raised before any handler ran', () => {
  it('maps a body over the limit to 413 PAYLOAD_TOO_LARGE, by Content-Length or as it streams', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(100) });
    const streamed = () => new Blob([body]).stream();
    for (const init of [{ body }, { body: streamed(), duplex: 'half' as const }]) {
      const error = await parserErrorOf({ headers: { 'content-type': 'application/json' }, ...init });
      expect(error).toMatchObject({ type: 'entity.too.large' });
      expect(clientErrorOf(error)).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        httpStatus: 413,
        message: 'the body is over the limit of 16 bytes',
        details: { type: 'entity.too.large', limit: 16 },
      });
    }
  });

  it.each([
    ['entity.parse.failed', { 'content-type': 'application/json' }, '{"a":'],
    ['encoding.unsupported', { 'content-type': 'application/json', 'content-encoding': 'x-unknown' }, '{}'],
    ['charset.unsupported', { 'content-type': 'application/json; charset=latin1' }, '{}'],
  ])('maps %s to VALIDATION_FAILED', async (type, headers, body) => {
    const error = await parserErrorOf({ headers, body });
    expect(error).toMatchObject({ type });
    expect(clientErrorOf(error)).toMatchObject({ code: 'VALIDATION_FAILED', httpStatus: 400, details: { type } });
  });

  it('maps the URIError of a bad percent-escape to VALIDATION_FAILED', () => {
    let error: unknown;
    try {
      decodeURIComponent('%ED%A0%80');
    } catch (e) {
      error = e;
    }
    expect(clientErrorOf(error)).toMatchObject({ code: 'VALIDATION_FAILED', httpStatus: 400 });
  });

  it('leaves server errors unmapped, even with a status', () => {
    expect(clientErrorOf(new Error('boom'))).toBeNull();
    expect(clientErrorOf(Object.assign(new Error('upstream said 404'), { status: 404 }))).toBeNull();
    expect(clientErrorOf(Object.assign(new Error('x'), { status: 500, expose: false }))).toBeNull();
    expect(clientErrorOf('a string')).toBeNull();
  });
});

describe('ErrorFilter', () => {
  it('answers every error in the SPEC body', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(100) });
    const tooLarge = await parserErrorOf({ headers: { 'content-type': 'application/json' }, body });
    expect(answerTo(tooLarge)).toEqual({
      status: 413,
      body: {
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: 'the body is over the limit of 16 bytes',
          details: { type: 'entity.too.large', limit: 16 },
        },
      },
    });
    expect(answerTo(new PayloadTooLargeException())).toMatchObject({
      status: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE' } },
    });
    expect(answerTo(new BadRequestException('Unexpected end of JSON input'))).toEqual({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'Unexpected end of JSON input', details: null } },
    });
    expect(answerTo(new DomainError('NOT_FOUND', 'gone'))).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'gone', details: null } },
    });
  });

  it('answers anything unexpected 500 with a correlation id and no internals', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const answer = answerTo(new TypeError('secret internals'));
    expect(answer).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL', message: 'unexpected error' } } });
    expect(JSON.stringify(answer.body)).not.toContain('secret');
    expect(logged).toHaveBeenCalledTimes(1);
  });
});
