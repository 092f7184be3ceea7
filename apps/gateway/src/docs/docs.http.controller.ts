import { Controller, Get, Header, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import { asyncApiDocument, openApiDocument } from '@org/contracts';
import { Public } from '@org/service';
import { join } from 'node:path';
import { absolutePath } from 'swagger-ui-dist';

// Swagger UI's own files, served from node_modules: nothing is fetched at run time.
const UI_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']);

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Provisioning data platform — API</title>
  <link rel="stylesheet" href="/docs/ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/ui/swagger-ui-bundle.js"></script>
  <script>window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui' });</script>
</body>
</html>`;

/** The documents of the contract, generated from the schemas in libs/contracts; public, like any API description. */
@Public()
@Controller('docs')
export class DocsHttpController {
  // Built on first request, not at start-up, and kept: the schemas do not change while running.
  private openApi?: object;
  private asyncApi?: object;

  /**
   * SPEC §5 serves the OpenAPI document at `/docs`: a client asking for JSON (or anything) gets
   * it; a browser, which asks for HTML first, gets the page that renders it.
   */
  @Get()
  @Header('vary', 'accept')
  page(@Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: { type(t: string): unknown }) {
    if (prefersHtml(accept)) {
      res.type('text/html; charset=utf-8');
      return PAGE;
    }
    return this.openapi();
  }

  /** SPEC §5 as OpenAPI 3.1. */
  @Get('openapi.json')
  openapi() {
    return (this.openApi ??= openApiDocument());
  }

  /** SPEC §4 as AsyncAPI 3. */
  @Get('asyncapi.json')
  asyncapi() {
    return (this.asyncApi ??= asyncApiDocument());
  }

  @Get('ui/:file')
  ui(@Param('file') file: string, @Res() res: { sendFile(path: string): void }) {
    if (!UI_FILES.has(file)) throw new NotFoundException();
    res.sendFile(join(absolutePath(), file));
  }
}

/** Whether an Accept header names HTML before (or without) JSON, as browsers' do. */
function prefersHtml(accept = ''): boolean {
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}
