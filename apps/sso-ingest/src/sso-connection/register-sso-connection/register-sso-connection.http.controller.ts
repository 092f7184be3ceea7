import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { parseRequest } from '@org/errors';
import { TenantId } from '@org/service';
import { ssoConnectionView } from '../sso-connection.view';
import { registerSsoConnectionRequest } from '@org/contracts';
import { RegisterSsoConnectionService } from './register-sso-connection.service';

@Controller('v1/sso-connections')
export class RegisterSsoConnectionHttpController {
  constructor(private readonly service: RegisterSsoConnectionService) {}

  @Post()
  @HttpCode(201)
  async register(@TenantId() tenantId: string, @Body() body: unknown) {
    const connection = await this.service.register(tenantId, parseRequest(registerSsoConnectionRequest, body));
    return ssoConnectionView(connection);
  }
}
