/**
 * Smooth weighted round-robin (nginx's `ngx_http_upstream_get_peer`): with weights summing to W, every run
 * of W consecutive picks contains each peer exactly `weight` times, spread out rather than bunched, so
 * 10% to the canary means exactly 10 of any 100 consecutive requests, not "about 10 on average".
 */
export class SmoothWeightedRoundRobin<K extends string> {
  private readonly peers: { key: K; weight: number; current: number }[];
  private readonly total: number;

  constructor(weights: Readonly<Record<K, number>>) {
    this.peers = (Object.entries(weights) as [K, number][]).map(([key, weight]) => ({
      key,
      weight,
      current: 0,
    }));
    this.total = this.peers.reduce((sum, p) => sum + p.weight, 0);
    if (this.total <= 0) throw new RangeError('weighted round-robin needs a positive total weight');
  }

  next(): K {
    let best = this.peers[0]!;
    for (const peer of this.peers) {
      peer.current += peer.weight;
      if (peer.current > best.current) best = peer;
    }
    best.current -= this.total;
    return best.key;
  }
}
