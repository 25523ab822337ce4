import { Connection } from '../connection/connection';
import { ConnectionRegistry } from '../connection/connection-registry';
import { HeartbeatSweeper, heartbeatTiming } from './heartbeat-sweeper';

describe('HeartbeatSweeper (one interval for all sockets)', () => {
  const conn = (id: number, lastSeenAt: number) =>
    new Connection(id, `u${id}`, {} as Connection['ws'], lastSeenAt);

  it('expires the stale, pings the quiet, reports the ones seen since the last tick', () => {
    const registry = new ConnectionRegistry();
    const [stale, quiet, seen, unchanged] = [
      conn(1, 0),
      conn(2, 8_000),
      conn(3, 9_900),
      conn(4, 9_000),
    ];
    for (const c of [stale, quiet, seen, unchanged]) registry.add(c);
    const calls: string[] = [];
    const sweeper = new HeartbeatSweeper(
      registry,
      { timeoutMs: 6_000, pingAfterMs: 1_500 },
      {
        expired: (c) => calls.push(`expired ${c.id}`),
        quiet: (c) => calls.push(`ping ${c.id}`),
        seen: (c) => calls.push(`seen ${c.id}`),
      },
    );
    sweeper.sweep(9_500); // the previous tick
    calls.length = 0;
    sweeper.sweep(10_000);
    expect(calls.sort()).toEqual(['expired 1', 'ping 2', 'seen 3']);
  });

  it('derives timing that pings a quiet socket well before it would expire', () => {
    expect(heartbeatTiming(30_000, 60_000)).toEqual({
      timeoutMs: 60_000,
      pingAfterMs: 30_000,
      tickMs: 15_000,
    });
    // The short test setting: a pong has at least timeout − pingAfter − tick = 625 ms to come.
    expect(heartbeatTiming(500, 1_500)).toEqual({
      timeoutMs: 1_500,
      pingAfterMs: 500,
      tickMs: 375,
    });
    for (const [interval, timeout] of [
      [30_000, 60_000],
      [500, 1_500],
      [60_000, 10_000],
    ]) {
      const t = heartbeatTiming(interval, timeout);
      expect(t.pingAfterMs + t.tickMs).toBeLessThanOrEqual((3 / 4) * timeout);
    }
  });
});
