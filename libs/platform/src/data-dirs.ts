/** Layout of DATA_DIR, shared by every process and thread that opens the embedded stores. */
export const EVENTS_DIR = 'events';
export const READ_MODELS_DIR = 'read-models';
