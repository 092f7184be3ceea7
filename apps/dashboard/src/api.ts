// The gateway's API as the dashboard uses it (SPEC §5). Shapes come from libs/contracts as
// types only: nothing of zod reaches the browser.
import type * as api from '@org/contracts';
import type { z } from 'zod';

export type TenantSettings = z.infer<typeof api.tenantSettings>;
export type Applications = z.infer<typeof api.applications>;
export type Application = Applications['items'][number];
export type Instance = Application['instances'][number];
export type Eligibility = z.infer<typeof api.eligibility>;
export type Connection = z.infer<typeof api.connection>;
export type SsoConnection = z.infer<typeof api.ssoConnection>;
export type DeletePreview = z.infer<typeof api.deletePreview>;
export type Provisioning = z.infer<typeof api.provisioning>;
export type ViewDay = Provisioning['days'][number];
export type Reclamation = z.infer<typeof api.reclamationReport>;
export type ReclamationSummary = z.infer<typeof api.reclamationSummary>;

/** An answer in the SPEC's error body; `code` is one of its codes. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** An answer as a file (the reclamation CSV), asked for with `accept`. */
  download(path: string, accept: string): Promise<Blob>;
}

export function apiClient(key: string): ApiClient {
  const fetchAnswer = async (method: string, path: string, body?: unknown, accept?: string): Promise<Response> => {
    try {
      return await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(accept ? { accept } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The platform did not answer. Check the connection and try again.');
    }
  };
  /** A failed answer as an ApiError, from the SPEC's error body when it has one. */
  const failure = (answer: Response, parsed: unknown) => {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    return new ApiError(answer.status, error?.code ?? 'HTTP_' + answer.status, error?.message ?? answer.statusText);
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await fetchAnswer(method, path, body);
    const text = await answer.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!answer.ok) throw failure(answer, parsed);
    return parsed as T;
  };
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
    download: async (path, accept) => {
      const answer = await fetchAnswer('GET', path, undefined, accept);
      if (!answer.ok) throw failure(answer, safeJson(await answer.text()));
      return answer.blob();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
export type SsoSource = z.infer<typeof api.ssoSource>;
export type TenantKey = z.infer<typeof api.tenantKey>;
export type KeyCreated = z.infer<typeof api.keyCreated>;
export type AuditPage = z.infer<typeof api.auditPage>;
export type AuditEntry = AuditPage['items'][number];
