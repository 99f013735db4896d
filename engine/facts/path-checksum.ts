// A destination path's existence, attributes and checksum (get_url), in one read. When the path
// is a directory, the file inside it named by `basename` is the one looked at.
import type { Fact } from './types.js';
import { sh } from '../transport/quote.js';
import { splitSections, SECTION_MARK } from './gather-sections.js';

export const CHECKSUM_TOOLS = { md5: 'md5sum', sha1: 'sha1sum', sha224: 'sha224sum', sha256: 'sha256sum', sha384: 'sha384sum', sha512: 'sha512sum' } as const;
export type ChecksumAlgo = keyof typeof CHECKSUM_TOOLS;

export interface PathChecksumArgs {
  path: string;
  basename: string;
  algo?: ChecksumAlgo;
}

export interface PathChecksum {
  /** the file looked at (path, or path/basename when path is a directory) */
  file: string;
  exists: boolean;
  isFile: boolean;
  mode?: string;
  owner?: string;
  group?: string;
  checksum?: string;
  curl: boolean;
  wget: boolean;
}

export const pathChecksum: Fact<PathChecksum, PathChecksumArgs> = {
  name: 'path_checksum',
  command: ({ path, basename, algo }) =>
    sh`f=${path}; if [ -d "$f" ]; then f=${path.replace(/\/+$/, '') + '/' + basename}; fi
echo ${SECTION_MARK + 'file'}; printf '%s\n' "$f"
echo ${SECTION_MARK + 'stat'}; if [ -e "$f" ]; then stat -c '%F|%a|%U|%G' -- "$f"; fi
echo ${SECTION_MARK + 'sum'}; ${algo ? sh`if [ -f "$f" ]; then ${CHECKSUM_TOOLS[algo]} < "$f" | cut -d' ' -f1; fi` : sh`:`}
echo ${SECTION_MARK + 'tools'}; command -v curl >/dev/null && echo curl; command -v wget >/dev/null && echo wget
exit 0`,
  parse: (r, args) => {
    const s = splitSections(r.stdout);
    const [type, mode, owner, group] = (s.get('stat') ?? '').split('|');
    const tools = (s.get('tools') ?? '').split('\n');
    const sum = (s.get('sum') ?? '').trim().toLowerCase();
    return {
      file: (s.get('file') ?? '').trim() || args.path,
      exists: !!type,
      isFile: type === 'regular file' || type === 'regular empty file',
      mode: mode || undefined,
      owner: owner || undefined,
      group: group || undefined,
      checksum: sum || undefined,
      curl: tools.includes('curl'),
      wget: tools.includes('wget'),
    };
  },
};
