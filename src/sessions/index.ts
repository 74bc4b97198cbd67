// Session Manager: shells and port forwarding into the instances through the official plugin's data
// channel (api/ for the API, channel/ for the WebSocket data channel and shells, port/ for port
// forwarding; model.ts for the seams between them).
//
// What differs from real SSM:
// - Data channel (channel/): the handshake is always offered (AgentVersion 3.0.196.0; the agent skips it
//   for Standard_Stream), and a client that never answers it (the ssm-session package) starts at its
//   first input. Input digests are not checked (AWS's side does not either). No KMS encryption.
//   Retransmission as the agent's: the oldest unacknowledged message only, after an RTO that follows
//   the acks' round trip (ours: never under 200 ms). A port session's output goes in messages of up to
//   2 MiB (the agent's are 1,024 bytes; the plugin takes any size), read from the target in batches,
//   their digests computed on a worker thread (channel/payloads.ts).
// - Shells run as `ssm-user` (created on first use, with passwordless sudo) or runAsDefaultUser when
//   runAsEnabled (no SSMSessionRunAs tag lookup), root for a commands document's runAsElevated; `sh`
//   in the user's home, the shell profile typed in first (Standard_Stream only, as the agent does).
//   InteractiveCommands and NonInteractiveCommands run the document's `linux.commands` with
//   `sh -c` (the agent: NonInteractiveCommands splits the line shell-like and runs it without a
//   shell). NonInteractiveCommands runs without a TTY, stdout and stderr both as PT1 (no
//   StdErr/ExitCode payloads, separateOutputStream is ignored). Idle timeout counts the client's input only; idle and maximum duration run on the
//   emulator's clock. Ending a session kills its process session in the container.
// - API (api/): sessions live in memory; a restart forgets them (active and history). History is
//   kept 30 days, as on AWS.
// - Every caller is the IAM user ssm-local: SessionId is `ssm-local-<17 hex>`, Owner
//   `arn:aws:iam::<account>:user/ssm-local`. StreamUrl is `ws://<the request's Host>/v1/data-channel/
//   <id>?role=publish_subscribe`, TokenValue a random opaque string.
// - SSM-SessionManagerRunShell is the account's own document (CreateDocument/UpdateDocument; its
//   latest version counts); until it exists, the console's default preferences apply (idle 20 min, no
//   maximum). Logging preferences (S3, CloudWatch, KMS) are accepted and ignored: no OutputUrl.
// - The AWS-Start* Session documents are reassembled from public copies, not recorded byte for byte.
// - StartSession's wrong parameters answer InvalidParameters with the documents capability's texts;
//   DescribeSessions' page size defaults to 20 (ours); a date filter that does not parse is a
//   ValidationException (ours); ResumeSession of an unknown session is DoesNotExistException (text
//   ours), of an ended one an answer without TokenValue. No per-instance session quota.
// - Port (port/): basic mode only (the handshake advertises AgentVersion 3.0.196.0), so one
//   connection at a time per session, never smux multiplexing. The emulator dials the container's
//   IP on its Docker network; a server bound to the container's loopback only, a remote host given
//   by name, or a container IP the emulator cannot route to go through a small python3 relay run
//   with `docker exec` in the container (slower). A connection that fails ends the session with the
//   agent's "Unable to connect to specified port: ..." as Output, with status Terminated (AWS:
//   Failed). Denied remote addresses (the agent's DeniedPortForwardingRemoteIPs, the VPC DNS) are
//   not checked. The target's data is read no faster than the client acknowledges it (an 8 MiB window).
import type { Capability, CapabilityStatus, Services } from '../core/capability.js';
import { DOCUMENTS } from '../documents/api.js';
import { EXECUTOR, FLEET } from '../instances/api.js';
import { createSessionRegistry, SESSION_REGISTRY, sessionHandlers } from './api/index.js';
import { startDataChannel, shellBackend } from './channel/index.js';
import type { SessionBackend, SessionRegistry } from './model.js';
import { portBackend } from './port/index.js';

export function sessionsCapability(): Capability {
  let registry: SessionRegistry | undefined;
  let stopChannel: (() => Promise<void>) | undefined;
  return {
    name: 'sessions',
    needs: [FLEET, DOCUMENTS],
    uses: [EXECUTOR],
    provides: [SESSION_REGISTRY],
    handlers: sessionHandlers(() => registry),
    start(services: Services) {
      registry = createSessionRegistry(services);
      const backends: Record<string, SessionBackend> = {
        Standard_Stream: shellBackend(),
        InteractiveCommands: shellBackend(),
        NonInteractiveCommands: shellBackend(),
        Port: portBackend(),
      };
      stopChannel = startDataChannel(services, registry, backends);
    },
    async stop() {
      await stopChannel?.();
    },
    status(): CapabilityStatus {
      return registry ? { up: true } : { up: false, detail: 'not started' };
    },
  };
}
