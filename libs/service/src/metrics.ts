import { Controller, Get, Header } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { collectDefaultMetrics, Histogram, register } from 'prom-client';
import { Public } from './internal-auth.guard';

collectDefaultMetrics();

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

interface TimedRequest {
  method: string;
  route?: { path?: string };
}
interface TimedResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): void;
}

/** Times every request; the label is the route's pattern (`/v1/connections/:id`), never the raw URL. */
export function timeRequests(app: INestApplication): void {
  app.use((req: TimedRequest, res: TimedResponse, next: () => void) => {
    const end = httpDuration.startTimer();
    res.once('finish', () =>
      end({ method: req.method, route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }),
    );
    next();
  });
}

/** `/metrics` in Prometheus' text format (SPEC §5): open like the health routes. */
@Public()
@Controller()
export class MetricsHttpController {
  @Get('metrics')
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
