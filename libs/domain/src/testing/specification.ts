import { DomainError, DomainErrorCode, isDomainError } from '../conversation/errors';

/**
 * given/when/then for deciders (after oskardudycz/EventSourcing.NodeJS):
 *
 *   spec.given([started]).when(sendMessage).then([messageSent]);
 *   spec.given([started]).when(sendByStranger).thenRejects('not_a_member');
 *   spec.given([started, sent]).when(retry).thenNothing();
 *
 * `given` events are folded with `evolve` from a fresh `initialState()` on every `when`,
 * so specs never share (or see mutations of) state.
 */
export type Decide<State, Command, Event> = (
  state: State,
  command: Command,
) => Event[] | DomainError;
export type Evolve<State, Event> = (state: State, event: Event) => State;

export interface DeciderOutcome<State, Event> {
  /** Asserts exactly these events; returns the state after them (for further checks). */
  then(expected: Event[]): State;
  /** Asserts a refusal with this code; returns the error (e.g. to check its message). */
  thenRejects(code: DomainErrorCode): DomainError;
  /** Asserts acceptance without events (idempotent no-op); returns the unchanged state. */
  thenNothing(): State;
}

export interface DeciderGiven<State, Command, Event> {
  when(command: Command): DeciderOutcome<State, Event>;
}

export const DeciderSpecification = {
  for<State, Command, Event>(
    decide: Decide<State, Command, Event>,
    evolve: Evolve<State, Event>,
    initialState: () => State,
  ) {
    return {
      given(events: Event[]): DeciderGiven<State, Command, Event> {
        return { when: (command) => outcome(decide, evolve, initialState, events, command) };
      },
    };
  },
};

function outcome<State, Command, Event>(
  decide: Decide<State, Command, Event>,
  evolve: Evolve<State, Event>,
  initialState: () => State,
  given: Event[],
  command: Command,
): DeciderOutcome<State, Event> {
  const fold = (events: Event[], from: State): State => events.reduce(evolve, from);
  const run = () => decide(fold(given, initialState()), command);
  const acceptedEvents = (): Event[] => {
    const result = run();
    if (isDomainError(result)) {
      throw new Error(`Expected events but was refused: ${result.code} (${result.message})`);
    }
    return result;
  };
  return {
    then(expected) {
      const events = acceptedEvents();
      expect(events).toEqual(expected);
      return fold(events, fold(given, initialState()));
    },
    thenRejects(code) {
      const result = run();
      if (!isDomainError(result)) {
        throw new Error(`Expected a refusal "${code}" but got events: ${JSON.stringify(result)}`);
      }
      expect(result.code).toBe(code);
      return result;
    },
    thenNothing() {
      expect(acceptedEvents()).toEqual([]);
      return fold(given, initialState());
    },
  };
}
