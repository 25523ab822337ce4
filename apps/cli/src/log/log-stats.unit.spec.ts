import { conversationHistory, recorded } from '../testing/recorded-events';
import { dayOf, LogStats } from './log-stats';

describe('log stats', () => {
  it('counts by type, by UTC day and by conversation, busiest first', () => {
    const stats = new LogStats();
    const big = conversationHistory('big', 1);
    const small = conversationHistory('small', 100).slice(0, 2);
    const late = recorded(
      200,
      'conversation-small',
      2,
      'MessageSent',
      { conversationId: 'small' },
      {
        timestamp: '2025-01-02T23:59:59.999Z',
      },
    );
    for (const event of [...big, ...small, late]) stats.add(event);
    const report = stats.report(1);
    expect(report.events).toBe(big.length + 3);
    expect(report.conversations).toBe(2);
    expect(report.byType[0]).toEqual({ type: 'MessageSent', events: 5 });
    expect(report.byDay).toEqual([
      { day: '2025-01-01', events: big.length + 2, messages: 4 },
      { day: '2025-01-02', events: 1, messages: 1 },
    ]);
    expect(report.topConversations).toEqual([{ conversation: 'big', events: 8, messages: 3 }]);
    expect(report.firstPosition).toBe('00000000000000000001');
    expect(report.lastPosition).toBe('00000000000000000200');
    expect(report.lastTime).toBe('2025-01-02T23:59:59.999Z');
  });

  it('an empty log reports zeros', () => {
    expect(new LogStats().report()).toMatchObject({
      events: 0,
      firstTime: null,
      byType: [],
      topConversations: [],
    });
  });

  it('days are UTC days, also for times written with an offset', () => {
    expect(dayOf('2025-01-01T23:30:00.000Z')).toBe('2025-01-01');
    expect(dayOf('2025-01-02T01:30:00+02:00')).toBe('2025-01-01');
    expect(dayOf('garbage')).toBe('unknown');
  });
});
