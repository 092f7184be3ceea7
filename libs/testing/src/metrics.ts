/**
 * The value of one sample (`name{labels}`) in a service's /metrics text (Prometheus), labels
 * matched in any order and the others ignored; null when absent.
 */
export function metricSample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => match[2].includes(`${k}="${v}"`));
    if (has) return Number(match[3]);
  }
  return null;
}
