// The data channel's wire constants (notes §3): the header's length, the payload's offset, the
// message and payload types and the port flags. No Node or DOM dependency, so both the server's codec
// (codec.ts) and the web console's browser client (src/ui/app/session-channel.ts) use this one copy.

export const HEADER_LENGTH = 116;
export const PAYLOAD_OFFSET = HEADER_LENGTH + 4;
/** Where the payload's SHA-256 sits in the header. */
export const DIGEST_OFFSET = 80;

export const MessageType = {
  input: 'input_stream_data',
  output: 'output_stream_data',
  ack: 'acknowledge',
  channelClosed: 'channel_closed',
  startPublication: 'start_publication',
  pausePublication: 'pause_publication',
} as const;

export const PayloadType = {
  Output: 1,
  Error: 2,
  Size: 3,
  Parameter: 4,
  HandshakeRequest: 5,
  HandshakeResponse: 6,
  HandshakeComplete: 7,
  EncChallengeRequest: 8,
  EncChallengeResponse: 9,
  Flag: 10,
  StdErr: 11,
  ExitCode: 12,
} as const;

export const Flag = { DisconnectToPort: 1, TerminateSession: 2, ConnectToPortError: 3 } as const;
