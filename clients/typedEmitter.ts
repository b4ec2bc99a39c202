/**
 * A listener of an event with these arguments. One of an event without arguments may take an
 * optional one, so that a promise's `resolve` can listen: `new Promise((resolve) => client.once("end", resolve))`.
 */
export type Listener<Args extends unknown[]> = Args extends []
  ? (unused?: undefined) => void
  : (...args: Args) => void;

interface Registration {
  /** Called with the event's arguments (its type is that of the event it was registered for). */
  listener: unknown;
  once: boolean;
}

/**
 * A small event emitter whose events and their arguments are typed by `Events` (event name to the
 * tuple of its arguments). It needs nothing of Node, so the clients built on it run in browsers too.
 */
export class TypedEmitter<Events extends { [E in keyof Events]: unknown[] }> {
  private readonly registrations = new Map<keyof Events, Registration[]>();

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    return this.register(event, { listener, once: false });
  }

  /** Listens to the next such event only. */
  once<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    return this.register(event, { listener, once: true });
  }

  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    const registrations = this.registrations.get(event) ?? [];
    const index = registrations.findIndex((each) => each.listener === listener);
    if (index >= 0) registrations.splice(index, 1);
    return this;
  }

  listenerCount(event: keyof Events): number {
    return this.registrations.get(event)?.length ?? 0;
  }

  /** Calls each listener of the event in the order they were added; true if there was any. */
  protected emit<E extends keyof Events>(
    event: E,
    ...args: Events[E]
  ): boolean {
    const registrations = this.registrations.get(event);
    if (!registrations || registrations.length === 0) return false;
    // A copy: listeners may add or remove listeners while they run.
    for (const registration of [...registrations]) {
      if (!registrations.includes(registration)) continue; // removed by an earlier listener
      if (registration.once)
        registrations.splice(registrations.indexOf(registration), 1);
      (registration.listener as (...args: Events[E]) => void)(...args);
    }
    return true;
  }

  private register(event: keyof Events, registration: Registration): this {
    const registrations = this.registrations.get(event);
    if (registrations) registrations.push(registration);
    else this.registrations.set(event, [registration]);
    return this;
  }
}
