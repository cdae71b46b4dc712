// The load's transports by name: each registers how its lanes are made (as toxiproxy's toxics register
// themselves), and a run looks up its config's, so that the run imports no transport.
// load-transports.ts registers the three; whatever starts a run (load-driver.ts, a worker thread's body)
// imports it first.

import type { Transport } from "../../../results/transport.js";
import type { ResolvedLoadConfig } from "./load-config.js";
import type { LaneHost, LoadTransport } from "./load-lane.js";

/** Makes a run's lanes over one transport, from the config resolved for that transport. */
export type TransportFactory<Name extends Transport> = (
  config: Extract<ResolvedLoadConfig, { transport: Name }>,
  host: LaneHost,
) => LoadTransport;

/** A factory as the registry keeps it, for any config: see registerTransport for why that is safe. */
type StoredFactory = (config: ResolvedLoadConfig, host: LaneHost) => LoadTransport;

const factories = new Map<Transport, StoredFactory>();

export function registerTransport<Name extends Transport>(name: Name, factory: TransportFactory<Name>): void {
  // Looked up by config.transport alone, so a factory is only ever handed a config of its own transport.
  factories.set(name, factory as unknown as StoredFactory);
}

/** The lanes of `config.transport`, made by its registered factory. */
export function createTransport(config: ResolvedLoadConfig, host: LaneHost): LoadTransport {
  const factory = factories.get(config.transport);
  if (factory === undefined) {
    throw new Error(
      `no load transport is registered as ${config.transport}: import clients/load/load-transports.js before a run`,
    );
  }
  return factory(config, host);
}
