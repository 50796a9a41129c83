import { createHash } from 'node:crypto';

export interface Replica {
  url: string;
  healthy: boolean;
  inFlight: number;
  lastError: string | null;
}

/** How many more in-flight requests than the least-loaded replica affinity may tolerate. */
const AFFINITY_SLACK = 4;

function score(key: string, url: string): number {
  return createHash('sha1').update(key).update('\0').update(url).digest().readUInt32BE(0);
}

/**
 * The replicas of one upstream model and the routing rule: among healthy replicas, keep a
 * caller's prompt prefix on the same replica (rendezvous hashing, so its KV cache is reused
 * and adding a replica moves few keys) unless that replica is busier than the least-loaded
 * one by more than a small slack; then the least-loaded wins. When none is marked healthy,
 * all are tried, since a health mark can be stale.
 */
export class ReplicaSet {
  readonly replicas: Replica[];

  constructor(urls: string[]) {
    this.replicas = urls.map((url) => ({ url, healthy: true, inFlight: 0, lastError: null }));
  }

  /** Replicas in the order to try them for this affinity key. */
  order(key: string): Replica[] {
    // One replica: nothing to choose, and no hashing on the proxy's hot path.
    if (this.replicas.length === 1) return this.replicas;
    const healthy = this.replicas.filter((r) => r.healthy);
    const pool = healthy.length > 0 ? healthy : [...this.replicas];
    const byAffinity = [...pool].sort((a, b) => score(key, b.url) - score(key, a.url));
    const minLoad = Math.min(...pool.map((r) => r.inFlight));
    const preferred = byAffinity.find((r) => r.inFlight <= minLoad + AFFINITY_SLACK) ?? byAffinity[0];
    const rest = pool.filter((r) => r !== preferred).sort((a, b) => a.inFlight - b.inFlight || score(key, b.url) - score(key, a.url));
    const down = healthy.length > 0 ? this.replicas.filter((r) => !r.healthy) : [];
    return [...(preferred ? [preferred] : []), ...rest, ...down];
  }

  markDown(r: Replica, error: string): void {
    r.healthy = false;
    r.lastError = error;
  }

  markUp(r: Replica): void {
    r.healthy = true;
  }
}
