import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import { DomainError, NotFoundError } from '@org/errors';
import { Public, SERVICE_CONFIG } from '@org/service';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfig } from '../config';

// The built dashboard's files (tools/build-dashboard.mjs); nothing else is served from there.
const ASSETS = new Set(['main.js', 'main.js.map', 'styles.css']);
// The dashboard loads only its own files and talks only to this gateway.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

interface FileResponse {
  setHeader(name: string, value: string): void;
  sendFile(path: string, options: { headers: Record<string, string> }): void;
}

/** The dashboard at `/`, built ahead: its page and assets, public (the API calls carry the key). */
@Public()
@Controller()
export class DashboardHttpController {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: GatewayConfig) {}

  @Get()
  @Header('content-security-policy', CSP)
  page(@Res() res: FileResponse) {
    this.send(res, 'index.html');
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: FileResponse) {
    if (!ASSETS.has(file)) throw new NotFoundError('file', file);
    this.send(res, file);
  }

  private send(res: FileResponse, file: string) {
    const path = join(this.config.DASHBOARD_DIR, file);
    if (!existsSync(path))
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'the dashboard is not built: npm start builds it (tools/build-dashboard.mjs)',
      );
    res.sendFile(path, { headers: { 'cache-control': 'no-cache' } });
  }
}
