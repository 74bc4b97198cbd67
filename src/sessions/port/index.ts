// Port sessions (AWS-StartPortForwardingSession, ...ToRemoteHost, AWS-StartSSHSession), in the SSM
// Agent's basic mode (the handshake advertises AgentVersion 3.0.196.0, so the plugin never speaks
// smux): relay.ts is the agent's behaviour, dial.ts how the emulator reaches a port of a container.
//
// The session's properties (the document's, substituted): portNumber; host (the remote host, for
// ...ToRemoteHost; default: the instance itself); type: LocalPortForwarding (basic mode), or none,
// which is StandardStreamForwarding (AWS-StartSSHSession: the same byte relay, but the target
// closing ends the session).
import Docker from 'dockerode';
import type { Services } from '../../core/capability.js';
import type { ManagedInstance } from '../../instances/api.js';
import type { DataChannel, RunningBackend, SessionBackend } from '../model.js';
import { ContainerDialer } from './dial.js';
import { PortRelay, type Connector, type ForwardingMode } from './relay.js';

export interface PortBackendOptions {
  /** The engine (default: dockerode's, which honours DOCKER_HOST). */
  docker?: Docker;
  /** Replaces the dialer (tests): a connector to `host:port` as the instance sees it. */
  connector?: (instance: ManagedInstance, host: string, port: number) => Promise<Connector>;
}

const NOTHING_RUNNING: RunningBackend = { stop: () => Promise.resolve() };

export function portBackend(options: PortBackendOptions = {}): SessionBackend {
  let docker = options.docker;
  const dialer = new ContainerDialer(() => (docker ??= new Docker()));
  const connectorFor =
    options.connector ??
    ((instance: ManagedInstance, host: string, port: number) =>
      dialer.connector(instance.containerId, host, port));
  return {
    async start(_services: Services, channel: DataChannel, instance: ManagedInstance) {
      const properties = channel.session.properties;
      const portText = text(properties.portNumber);
      const port = Number(portText);
      if (!portText) {
        await channel.close(`Port number is empty in session properties. ${JSON.stringify(properties)}`);
        return NOTHING_RUNNING;
      }
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        await channel.close(
          `Unable to connect to specified port: dial tcp: address ${portText}: invalid port`,
        );
        return NOTHING_RUNNING;
      }
      const mode: ForwardingMode =
        text(properties.type) === 'LocalPortForwarding' ? 'LocalPortForwarding' : 'StandardStreamForwarding';
      let connect: Connector;
      try {
        connect = await connectorFor(instance, text(properties.host), port);
      } catch (error) {
        await channel.close(`Unable to connect to specified port: ${(error as Error).message}`);
        return NOTHING_RUNNING;
      }
      return new PortRelay(channel, connect, mode).start();
    },
  };
}

/** A property as the agent reads it: a string (a one-element list, as parameters are, too). */
function text(value: unknown): string {
  const one: unknown = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' || typeof one === 'number' ? String(one).trim() : '';
}
