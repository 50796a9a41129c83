/**
 * Prometheus metrics kept in memory by one `Metrics` instance owned by the app (no
 * module-level registry, so tests get fresh numbers). Rendered as the text exposition format.
 */

const TTFT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export interface GaugeSource {
  /** Called at scrape time so queue lengths are always current. */
  (): Array<{ name: string; help: string; labels: Labels; value: number }>;
}

/** Per-model totals for the admin UI's live stats. */
export interface ModelSummary {
  requests: number;
  errors: number;
  promptTokens: number;
  generatedTokens: number;
  tokensPerSecond: number;
  ttftAvgMs: number | null;
}

export class Metrics {
  private readonly summaries = new Map<string, { requests: number; errors: number; prompt: number; generated: number }>();
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly ttft = new Map<string, Histogram>();
  private readonly generation = new Map<string, { tokens: number; seconds: number }>();
  private readonly gaugeSources: GaugeSource[] = [];

  inc(name: string, help: string, labels: Labels, by = 1): void {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = { help, values: new Map() }));
    const key = labelKey(labels);
    c.values.set(key, (c.values.get(key) ?? 0) + by);
  }

  private summaryOf(model: string) {
    let s = this.summaries.get(model);
    if (!s) this.summaries.set(model, (s = { requests: 0, errors: 0, prompt: 0, generated: 0 }));
    return s;
  }

  request(model: string, route: string, status: number): void {
    const s = this.summaryOf(model);
    s.requests += 1;
    if (status >= 400) s.errors += 1;
    this.inc('refact_requests_total', 'Requests answered, by model, route and status.', { model, route, status: String(status) });
  }

  tokens(model: string, prompt: number, completion: number): void {
    const s = this.summaryOf(model);
    s.prompt += prompt;
    s.generated += completion;
    this.inc('refact_prompt_tokens_total', 'Prompt tokens processed.', { model }, prompt);
    this.inc('refact_completion_tokens_total', 'Tokens generated.', { model }, completion);
  }

  timeToFirstToken(model: string, seconds: number): void {
    let h = this.ttft.get(model);
    if (!h) this.ttft.set(model, (h = { counts: TTFT_BUCKETS.map(() => 0), sum: 0, count: 0 }));
    TTFT_BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.counts[i] = (h.counts[i] ?? 0) + 1;
    });
    h.sum += seconds;
    h.count += 1;
  }

  /** Tokens generated over the time spent generating them (after the first token). */
  generated(model: string, tokens: number, seconds: number): void {
    const g = this.generation.get(model) ?? { tokens: 0, seconds: 0 };
    g.tokens += tokens;
    g.seconds += seconds;
    this.generation.set(model, g);
  }

  summary(model: string): ModelSummary {
    const s = this.summaries.get(model) ?? { requests: 0, errors: 0, prompt: 0, generated: 0 };
    const g = this.generation.get(model);
    const h = this.ttft.get(model);
    return {
      requests: s.requests,
      errors: s.errors,
      promptTokens: s.prompt,
      generatedTokens: s.generated,
      tokensPerSecond: g && g.seconds > 0 ? g.tokens / g.seconds : 0,
      ttftAvgMs: h && h.count > 0 ? (h.sum / h.count) * 1000 : null,
    };
  }

  addGauges(source: GaugeSource): void {
    this.gaugeSources.push(source);
  }

  render(): string {
    const out: string[] = [];
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const [k, v] of c.values) out.push(`${name}${k} ${v}`);
    }
    out.push('# HELP refact_time_to_first_token_seconds Time from request to first generated token.');
    out.push('# TYPE refact_time_to_first_token_seconds histogram');
    for (const [model, h] of this.ttft) {
      TTFT_BUCKETS.forEach((b, i) => out.push(`refact_time_to_first_token_seconds_bucket${labelKey({ model, le: String(b) })} ${h.counts[i]}`));
      out.push(`refact_time_to_first_token_seconds_bucket${labelKey({ model, le: '+Inf' })} ${h.count}`);
      out.push(`refact_time_to_first_token_seconds_sum${labelKey({ model })} ${h.sum}`);
      out.push(`refact_time_to_first_token_seconds_count${labelKey({ model })} ${h.count}`);
    }
    out.push('# HELP refact_tokens_per_second Average generation speed per request stream.');
    out.push('# TYPE refact_tokens_per_second gauge');
    for (const [model, g] of this.generation) {
      out.push(`refact_tokens_per_second${labelKey({ model })} ${g.seconds > 0 ? (g.tokens / g.seconds).toFixed(3) : 0}`);
    }
    const seen = new Set<string>();
    for (const source of this.gaugeSources) {
      for (const g of source()) {
        if (!seen.has(g.name)) {
          out.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
          seen.add(g.name);
        }
        out.push(`${g.name}${labelKey(g.labels)} ${g.value}`);
      }
    }
    return out.join('\n') + '\n';
  }
}
