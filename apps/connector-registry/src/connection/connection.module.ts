import { Module } from '@nestjs/common';
import { ConnectConnectionHttpController } from './connect-connection/connect-connection.http.controller';
import { ConnectConnectionService } from './connect-connection/connect-connection.service';
import { ConnectionHttpController } from './connection.http.controller';
import { DeleteConnectionService } from './delete-connection/delete-connection.service';
import { DisconnectConnectionService } from './disconnect-connection/disconnect-connection.service';
import { ReconnectConnectionService } from './reconnect-connection/reconnect-connection.service';

@Module({
  controllers: [ConnectConnectionHttpController, ConnectionHttpController],
  providers: [
    ConnectConnectionService,
    DisconnectConnectionService,
    ReconnectConnectionService,
    DeleteConnectionService,
  ],
})
export class ConnectionModule {}
