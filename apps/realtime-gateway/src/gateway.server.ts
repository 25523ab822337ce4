import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/** Placeholder: attaches the ws server on bootstrap (filled in next). */
@Injectable()
export class GatewayServer implements OnApplicationBootstrap, OnApplicationShutdown {
  onApplicationBootstrap(): void {}
  onApplicationShutdown(): void {}
}
