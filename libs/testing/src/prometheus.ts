/**
 * The value of one series in a Prometheus text exposition (`GET /metrics`), named as Prometheus
 * writes it (`http_requests_total{method="GET",route="/a"}`), found whatever the order of its
 * labels (prom-client puts a registry's default labels first on some metric types and last on
 * others); undefined when no series has exactly that name and those labels.
 */
export function metricValue(exposition: string, series: string): number | undefined {
  const wanted = parseSeries(series);
  if (!wanted) throw new Error(`not a series: ${series}`);
  for (const line of exposition.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (line.startsWith('#') || space < 0) continue;
    const found = parseSeries(line.slice(0, space));
    if (found && found.name === wanted.name && found.labels === wanted.labels) return Number(line.slice(space + 1));
  }
  return undefined;
}

/** A series' name and its labels in one canonical spelling (sorted by name). */
function parseSeries(series: string): { name: string; labels: string } | null {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/.exec(series);
  if (!match) return null;
  const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(
    ([, key, value]) => `${key}="${value}"`,
  );
  return { name: match[1], labels: labels.sort().join(',') };
}
