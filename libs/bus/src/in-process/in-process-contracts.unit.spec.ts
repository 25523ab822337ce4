import { describeSignalBusContract } from '../testing/signal-bus.contract';
import { describeUpdateBusContract } from '../testing/update-bus.contract';
import { InProcessSignalBus } from './in-process-signal-bus';
import { InProcessUpdateBus } from './in-process-update-bus';

const silent = { error: () => undefined };

// One process: every "gateway" of a test opens the same bus.
describeUpdateBusContract('in-process', () => {
  const bus = new InProcessUpdateBus(silent);
  return { open: async () => bus, quietMs: 20, close: () => bus.close() };
});

describeSignalBusContract('in-process', () => {
  const bus = new InProcessSignalBus(silent);
  return { open: async () => bus, quietMs: 20, close: () => bus.close() };
});
