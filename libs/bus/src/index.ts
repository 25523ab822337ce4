export * from './update-bus.port';
export { InProcessUpdateBus } from './in-process/in-process-update-bus';
export { InProcessSignalBus } from './in-process/in-process-signal-bus';
