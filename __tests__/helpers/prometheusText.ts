/** One scrape of a Prometheus text endpoint, read as Prometheus would. */
export class PrometheusScrape {
  private constructor(
    readonly text: string,
    readonly contentType: string,
  ) {}

  static async of(url: string) {
    const response = await fetch(url);
    if (response.status !== 200)
      throw new Error(`${url} answered ${response.status}`);
    return new PrometheusScrape(
      await response.text(),
      response.headers.get("content-type") ?? "",
    );
  }

  /** The families, with their HELP and TYPE lines. */
  families() {
    const families = new Map<string, { help?: string; type?: string }>();
    for (const line of this.text.split("\n")) {
      const match = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (!match) continue;
      const [, what, name, rest] = match;
      const family = families.get(name) ?? {};
      if (what === "HELP") family.help = rest;
      else family.type = rest;
      families.set(name, family);
    }
    return families;
  }

  /** The sample's value, with exactly these labels; 0 when it is not there (a counter not yet counted). */
  value(name: string, labels: Record<string, string> = {}) {
    const wanted = Object.entries(labels)
      .map(([key, value]) => `${key}="${value}"`)
      .sort()
      .join(",");
    for (const line of this.text.split("\n")) {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const sampleLabels = (match[2] ?? "")
        .split(/,(?=\w+=")/)
        .filter(Boolean)
        .sort()
        .join(",");
      if (sampleLabels === wanted) return Number(match[3]);
    }
    return 0;
  }
}
