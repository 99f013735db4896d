// The Debian mirror comes from the controller's own apt sources, never a name written in code.
import { readFile } from 'node:fs/promises';

export const DEBIAN_SOURCES_FILE = '/etc/apt/sources.list.d/debian.sources';

/**
 * First URI of a deb822 stanza whose Suites include `suite` (or the first URI at all when none
 * names it). Comments are ignored.
 */
export function mirrorFromSources(text: string, suite = 'bookworm'): string | undefined {
  const stanzas = text.split(/\n\s*\n/);
  let first: string | undefined;
  for (const stanza of stanzas) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      if (/^\s*#/.test(line)) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) fields.set(m[1].toLowerCase(), m[2].trim());
    }
    const uri = fields.get('uris')?.split(/\s+/)[0];
    if (!uri) continue;
    first ??= uri;
    const suites = (fields.get('suites') ?? '').split(/\s+/);
    if (suites.includes(suite)) return uri;
  }
  return first;
}

export async function controllerMirror(file = DEBIAN_SOURCES_FILE): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the controller's apt sources ${file}: ${(e as Error).message}`);
  }
  const uri = mirrorFromSources(text);
  if (!uri) throw new Error(`no URIs: line in ${file}; the lab takes its Debian mirror from there`);
  return uri;
}
