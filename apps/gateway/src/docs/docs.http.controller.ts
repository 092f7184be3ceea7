import { Controller, Get } from '@nestjs/common';
import { asyncApiDocument } from '@org/contracts';
import { Public } from '@org/service';

/** The documents of the contract, public like the API's own description would be. */
@Controller('docs')
export class DocsHttpController {
  private readonly asyncApi = asyncApiDocument();

  /** SPEC §4 as AsyncAPI 3, generated from the schemas in libs/contracts. */
  @Public()
  @Get('asyncapi.json')
  asyncapi() {
    return this.asyncApi;
  }
}
