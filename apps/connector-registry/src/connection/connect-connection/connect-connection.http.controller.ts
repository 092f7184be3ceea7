import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { parseRequest } from '@org/errors';
import { TenantId } from '@org/service';
import { connectionView } from '../connection-record';
import { connectConnectionRequest } from '@org/contracts';
import { ConnectConnectionService } from './connect-connection.service';

@Controller('v1/connections')
export class ConnectConnectionHttpController {
  constructor(private readonly service: ConnectConnectionService) {}

  @Post()
  @HttpCode(201)
  async connect(@TenantId() tenantId: string, @Body() body: unknown) {
    return connectionView(await this.service.connect(tenantId, parseRequest(connectConnectionRequest, body)));
  }
}
