/** Nest injection tokens for the ports, so apps depend on interfaces, not adapters. */
export const EVENT_STORE = Symbol('EventStore');
export const SNAPSHOT_STORE = Symbol('SnapshotStore');
export const READ_MODELS = Symbol('ReadModelStore');
export const UPDATE_BUS = Symbol('UpdateBus');
export const SIGNAL_BUS = Symbol('SignalBus');
export const CHAT_COMMANDS = Symbol('ChatCommands');
export const APP_CONFIG = Symbol('AppConfig');
export const LOGGER = Symbol('Logger');
