import { GatewaySignal } from '../update-bus.port';

/** Wire form on the signal channel: `{"v":1,"signal":{…}}` (v: schema version). */
const VERSION = 1;

export const encodeSignal = (signal: GatewaySignal): string =>
  JSON.stringify({ v: VERSION, signal });

/** The signal, or undefined for a message of another version or shape (skipped). */
export function decodeSignal(text: string): GatewaySignal | undefined {
  try {
    const { v, signal } = JSON.parse(text) as { v?: number; signal?: GatewaySignal };
    if (v !== VERSION || !signal || (signal.type !== 'typing' && signal.type !== 'presence'))
      return undefined;
    return signal;
  } catch {
    return undefined;
  }
}
