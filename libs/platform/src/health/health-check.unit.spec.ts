import { HealthCheck, checkReadiness } from './health-check';

const check = (component: string, result: () => Promise<void>): HealthCheck => ({
  component,
  check: result,
});

describe('checkReadiness', () => {
  it('is ok when every component is', async () => {
    const report = await checkReadiness([check('a', async () => undefined)], 100);
    expect(report).toEqual({ status: 'ok', components: [{ component: 'a', status: 'ok' }] });
  });

  it('names each failing component with its reason', async () => {
    const report = await checkReadiness(
      [
        check('a', async () => undefined),
        check('postgresql', () => Promise.reject(new Error('ECONNREFUSED'))),
      ],
      100,
    );
    expect(report.status).toBe('unavailable');
    expect(report.components[1]).toEqual({
      component: 'postgresql',
      status: 'failing',
      error: 'ECONNREFUSED',
    });
  });

  it('counts a check that hangs past the timeout as failing', async () => {
    const report = await checkReadiness([check('kafka', () => new Promise(() => undefined))], 20);
    expect(report.components[0]).toMatchObject({
      status: 'failing',
      error: 'no answer within 20 ms',
    });
  });
});
