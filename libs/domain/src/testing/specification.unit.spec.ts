import { DomainError } from '../conversation/errors';
import { DeciderSpecification } from './specification';

/** A counter decider: small enough that each assertion of the helper is obvious. */
type Cmd = { type: 'add'; by: number };
type Evt = { type: 'added'; by: number };
const spec = DeciderSpecification.for<number, Cmd, Evt>(
  (state, command) => {
    if (command.by < 0) return new DomainError('not_allowed', 'negative');
    if (command.by === 0) return [];
    return [{ type: 'added', by: state + command.by }];
  },
  (state, event) => event.by,
  () => 0,
);
const add = (by: number): Cmd => ({ type: 'add', by });
const added = (by: number): Evt => ({ type: 'added', by });

describe('DeciderSpecification', () => {
  it('then: folds the given events, decides, and returns the state after the new events', () => {
    expect(
      spec
        .given([added(5)])
        .when(add(2))
        .then([added(7)]),
    ).toBe(7);
  });

  it('then: fails on different events', () => {
    expect(() =>
      spec
        .given([])
        .when(add(2))
        .then([added(3)]),
    ).toThrow();
  });

  it('then: fails, naming the code, when the command is refused', () => {
    expect(() => spec.given([]).when(add(-1)).then([])).toThrow(/not_allowed/);
  });

  it('thenRejects: passes on the right code and returns the error', () => {
    expect(spec.given([]).when(add(-1)).thenRejects('not_allowed').message).toBe('negative');
  });

  it('thenRejects: fails on another code or on acceptance', () => {
    expect(() => spec.given([]).when(add(-1)).thenRejects('not_a_member')).toThrow();
    expect(() => spec.given([]).when(add(1)).thenRejects('not_allowed')).toThrow(/got events/);
  });

  it('thenNothing: passes on [] and fails on events or a refusal', () => {
    expect(
      spec
        .given([added(4)])
        .when(add(0))
        .thenNothing(),
    ).toBe(4);
    expect(() => spec.given([]).when(add(1)).thenNothing()).toThrow();
    expect(() => spec.given([]).when(add(-1)).thenNothing()).toThrow(/not_allowed/);
  });
});
