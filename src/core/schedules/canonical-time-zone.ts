/**
 * The one spelling Weir stores for a time zone, so that `asia/phnom_penh`, `Asia/Phnom_Penh` and
 * `Asia/Calcutta` / `Asia/Kolkata` each name one schedule, not two.
 *
 * The runtime's ICU resolves any accepted spelling (any letter case, and IANA links such as
 * `US/Eastern`) to its own canonical id. ICU keeps CLDR's ids, which for a few zones are names
 * IANA has since replaced (`Asia/Calcutta`, `Europe/Kiev`, …); those are mapped to the current
 * IANA name, the one users expect and that newer runtimes report themselves.
 */

/** CLDR ids (as ICU reports them) whose current IANA name differs. */
const CURRENT_IANA_NAMES: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

const cache = new Map<string, string | null>();
let supportedByLowerCase: Map<string, string> | undefined;

function resolvedTimeZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function supportedSpelling(name: string): string | undefined {
  if (supportedByLowerCase === undefined) {
    supportedByLowerCase = new Map();
    for (const zone of Intl.supportedValuesOf("timeZone")) supportedByLowerCase.set(zone.toLowerCase(), zone);
    supportedByLowerCase.set("utc", "UTC");
  }
  return supportedByLowerCase.get(name.toLowerCase());
}

function computeCanonicalTimeZone(name: string): string | null {
  const resolved = resolvedTimeZone(name);
  if (resolved === null) return null;
  // A runtime that echoes the given spelling instead of its own id still lists the zone.
  const spelled = supportedSpelling(resolved) ?? resolved;
  const current = CURRENT_IANA_NAMES[spelled];
  return current !== undefined && resolvedTimeZone(current) !== null ? current : spelled;
}

/**
 * The canonical IANA name of a time zone (`asia/phnom_penh` → `Asia/Phnom_Penh`,
 * `Asia/Calcutta` → `Asia/Kolkata`, `Etc/UTC` → `UTC`), or null when the runtime does not know it.
 */
export function canonicalTimeZone(name: unknown): string | null {
  if (typeof name !== "string" || name.trim() === "" || name !== name.trim()) return null;
  let canonical = cache.get(name);
  if (canonical === undefined) {
    canonical = computeCanonicalTimeZone(name);
    if (cache.size > 10_000) cache.clear();
    cache.set(name, canonical);
  }
  return canonical;
}
