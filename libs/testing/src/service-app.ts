import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureService } from '@org/service';
import type { AddressInfo } from 'node:net';

/** A service's real AppModule in this process, on a free port, with its Kafka consumers running. */
export async function startTestService(
  module: Type<unknown> | DynamicModule,
): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  await configureService(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

/** One JSON call: the answer's status and parsed body (null when empty). */
async function callJson(url: string, method: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Calls a service as the gateway does: internal credential and tenant header. */
export function internalCall(url: string, tenantId: string) {
  return (method: string, path: string, body?: unknown) =>
    callJson(
      `${url}${path}`,
      method,
      { 'x-internal-token': process.env.INTERNAL_API_TOKEN!, 'x-tenant-id': tenantId },
      body,
    );
}

/** Calls the gateway as a client does: with a bearer key, or none. */
export function gatewayCall(url: string) {
  return (method: string, path: string, key?: string, body?: unknown) =>
    callJson(`${url}${path}`, method, key ? { authorization: `Bearer ${key}` } : {}, body);
}
