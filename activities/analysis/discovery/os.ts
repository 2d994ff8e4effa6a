/**
 * Operating-system recognition from free text. Inventories spell the same OS dozens of ways ("W2K8R2",
 * "Microsoft Windows Server 2008 R2 (64-bit)", "Red Hat Enterprise Linux Server release 7.9 (Maipo)"); the
 * assessment's end-of-life rules need one product name and one version, so this is where they are decided.
 */
import type { OsFamily } from '../model';

export interface ParsedOs {
  /** Canonical product name ("Windows Server", "Red Hat Enterprise Linux"), or the text itself if unknown. */
  product: string | null;
  family: OsFamily;
  version: string | null;
}

interface Product {
  name: string;
  family: OsFamily;
  match: RegExp;
  version: (text: string) => string | null;
}

/** The first version number after the product keyword, ignoring "(64-bit)" and "4/5/6"-style ranges. */
function versionAfter(keyword: RegExp): (text: string) => string | null {
  return (text) => {
    const at = keyword.exec(text);
    const rest = at ? text.slice(at.index + at[0].length) : text;
    // "CentOS 4/5/6/7" (VMware's guest-OS family label) names no single version.
    if (/\d\s*\/\s*\d/.test(rest)) return null;
    // Major.minor is what lifecycle tables key on; build suffixes ("7.9.2009") add nothing.
    const match = /(?<![\d.])(\d+(?:\.\d+)?)(?:\.\d+)*(?![\d.]*-?bit)/.exec(rest);
    return match ? match[1] : null;
  };
}

function windowsVersion(text: string): string | null {
  const year = /(?:20(03|08|12|16|19|22|25)|2k(3|8|12|16|19|22))\s*(r2)?/.exec(text.replace(/(\d)r2/, '$1 r2'));
  if (year) return `20${year[1] ?? year[2].padStart(2, '0')}${year[3] ? ' R2' : ''}`;
  const desktop = /windows\s*(xp|vista|7|8\.1|8|10|11)\b/.exec(text);
  return desktop ? desktop[1].toUpperCase().replace('VISTA', 'Vista') : null;
}

function slesVersion(text: string): string | null {
  const match = /(?:sles|suse[a-z ]*?)\s*(\d+)(?:\s*sp\s*(\d+))?/.exec(text);
  if (!match) return null;
  return match[2] ? `${match[1]} SP${match[2]}` : match[1];
}

function solarisVersion(text: string): string | null {
  // SunOS 5.x is Solaris x ("SunOS 5.10" is Solaris 10).
  const sunos = /sunos\s*5\.(\d+)/.exec(text);
  return sunos ? sunos[1] : versionAfter(/solaris/)(text);
}

/** Order matters: specific distributions before the generic "linux" and "windows" fall-backs. */
const PRODUCTS: Product[] = [
  { name: 'Red Hat Enterprise Linux', family: 'linux', match: /red\s*hat|\brhel/, version: versionAfter(/rhel|red\s*hat[a-z ]*?(?=\d)|red\s*hat/) },
  { name: 'CentOS', family: 'linux', match: /centos/, version: versionAfter(/centos(\s*linux)?/) },
  { name: 'Oracle Linux', family: 'linux', match: /oracle\s*linux|\boel\b|\bol\s?\d/, version: versionAfter(/oracle\s*linux(\s*server)?|\boel\b|\bol/) },
  { name: 'Ubuntu', family: 'linux', match: /ubuntu/, version: (text) => /(\d{2}\.\d{2})/.exec(text)?.[1] ?? null },
  { name: 'Debian', family: 'linux', match: /debian/, version: versionAfter(/debian[a-z/ ]*/) },
  { name: 'SUSE Linux Enterprise Server', family: 'linux', match: /\bsles|suse/, version: slesVersion },
  { name: 'Amazon Linux', family: 'linux', match: /amazon\s*linux/, version: versionAfter(/amazon\s*linux/) },
  { name: 'Linux', family: 'linux', match: /linux|fedora/, version: () => null },
  { name: 'Windows Server', family: 'windows', match: /win.*server|server.*win|w2k|win\s*(20|2k)|\bws20/, version: windowsVersion },
  { name: 'Windows', family: 'windows', match: /\bwin|microsoft/, version: windowsVersion },
  { name: 'AIX', family: 'unix', match: /\baix\b/, version: versionAfter(/aix/) },
  { name: 'Solaris', family: 'unix', match: /solaris|sunos/, version: solarisVersion },
  { name: 'HP-UX', family: 'unix', match: /hp-?ux/, version: (text) => /(11i\s*v\d|\d+\.\d+)/.exec(text)?.[1] ?? null },
  { name: 'FreeBSD', family: 'unix', match: /freebsd/, version: versionAfter(/freebsd/) },
  { name: 'VMware ESXi', family: 'other', match: /esxi|vmware/, version: versionAfter(/esxi?|vmware/) },
];

/**
 * `osText` is the OS column; `versionText` an optional separate version column, used when the OS text
 * carries no version ("RHEL" + "7.9"). A version inside the OS text wins: a separate column often holds
 * the kernel build ("6.3.9600") rather than the product version.
 */
export function parseOs(osText: string | null, versionText: string | null = null): ParsedOs {
  const text = osText?.trim() ?? '';
  const extra = versionText?.trim() ?? '';
  if (text === '') return { product: null, family: 'unknown', version: extra === '' ? null : extra };
  const lower = text.toLowerCase();
  const product = PRODUCTS.find((candidate) => candidate.match.test(lower));
  if (!product) return { product: text, family: 'other', version: extra === '' ? null : extra };
  const version = product.version(lower) ?? (extra === '' ? null : product.version(`${lower} ${extra.toLowerCase()}`) ?? extra);
  // Only server editions carry a year ("Windows 2008 R2" is Windows Server 2008 R2).
  const name = product.name === 'Windows' && version !== null && /^20\d\d/.test(version) ? 'Windows Server' : product.name;
  return { product: name, family: product.family, version };
}

/** True when the text names an operating system this module recognises (mapping's value evidence). */
export function isKnownOs(text: string): boolean {
  const lower = text.toLowerCase();
  return PRODUCTS.some((candidate) => candidate.match.test(lower)) || /\bother\b.*\bbit\b/.test(lower);
}
