import { Injectable } from '@nestjs/common';
import { GatewaySignal } from '../../../../libs/bus/src/update-bus.port';
import { UpdateFanout } from './update-fanout';

/** Typing and presence signals → frames for the local sockets of their recipients. */
@Injectable()
export class SignalFanout {
  constructor(private readonly updates: UpdateFanout) {}

  handle(signal: GatewaySignal): void {
    if (signal.type === 'typing') {
      const { conversationId, userId } = signal;
      this.updates.broadcast(signal.recipients, { type: 'typing', conversationId, userId });
    } else {
      const { userId, online, lastSeenAt } = signal;
      this.updates.broadcast(signal.recipients, { type: 'presence', userId, online, lastSeenAt });
    }
  }
}
