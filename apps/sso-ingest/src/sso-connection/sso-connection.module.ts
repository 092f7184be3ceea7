import { Module } from '@nestjs/common';
import { DeleteSsoConnectionHttpController } from './delete-sso-connection/delete-sso-connection.http.controller';
import { DeleteSsoConnectionService } from './delete-sso-connection/delete-sso-connection.service';
import { ListSsoConnectionsHttpController } from './list-sso-connections/list-sso-connections.http.controller';
import { RegisterSsoConnectionHttpController } from './register-sso-connection/register-sso-connection.http.controller';
import { RegisterSsoConnectionService } from './register-sso-connection/register-sso-connection.service';

@Module({
  controllers: [
    RegisterSsoConnectionHttpController,
    ListSsoConnectionsHttpController,
    DeleteSsoConnectionHttpController,
  ],
  providers: [RegisterSsoConnectionService, DeleteSsoConnectionService],
})
export class SsoConnectionModule {}
