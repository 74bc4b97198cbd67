// The retransmission timeout of the data channel's output, as the agent computes it
// (datachannel.go, the plugin's streaming.go alike): Jacobson's estimator, RTT and its variation
// smoothed by 1/8 and 1/4 from each acknowledged message's round trip, RTO = RTT + max(10 ms,
// 4 RTTVAR), from 200 ms, at most 1 s. (Ours: never under 200 ms either.)
const RTO_INITIAL_MS = 200;
const RTO_MIN_MS = 200;
const RTO_MAX_MS = 1000;

export class RetransmissionTimeout {
  private rttMs = 100;
  private rttVarMs = 0;
  /** How old the oldest unacknowledged message may grow before it is sent again. */
  ms = RTO_INITIAL_MS;

  /** A round trip measured on an ack: the timeout follows it. */
  measured(sampleMs: number): void {
    this.rttVarMs = 0.75 * this.rttVarMs + 0.25 * Math.abs(this.rttMs - sampleMs);
    this.rttMs = 0.875 * this.rttMs + 0.125 * sampleMs;
    const rto = this.rttMs + Math.max(10, 4 * this.rttVarMs);
    this.ms = Math.min(RTO_MAX_MS, Math.max(RTO_MIN_MS, rto));
  }
}
